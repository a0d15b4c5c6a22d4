#!/usr/bin/env python
"""
`make bench`: throughput of the portal's pages against the framework's
ceiling on this machine, measured in the same run.

Creates a throwaway PostgreSQL database (egov_bench), seeds it (10,000
requests; one citizen with 20), starts gunicorn with 2 workers on 127.0.0.1,
and loads each page with wrk (installed from Debian if missing). A bare view
that renders a 20-row template without the database is the ceiling: every
page's figure is given as a ratio to it, since the machine is shared and noisy.
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
BD = "egov_bench"
PUERTO = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PUERTO}"
CSRF = secrets.token_hex(16)


def ejecutar(argumentos, env) -> str:
    """Runs one measuring script; its output, or its error and the end of what it wrote."""
    resultado = subprocess.run(argumentos, cwd=RAIZ, env=env, capture_output=True, text=True)
    if resultado.returncode != 0:
        sys.exit(f"{' '.join(argumentos)} falló:\n{resultado.stderr[-4000:]}{resultado.stdout[-2000:]}")
    return resultado.stdout


def asegurar_wrk():
    if shutil.which("wrk"):
        return
    print("==> instalando wrk (Debian)", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def entorno(var_dir):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"{PG}/{BD}",
        "REDIS_URL": REDIS,
        "VAR_DIR": var_dir,
        "PYTHONPATH": str(RAIZ),
    }


def preparar_bd(env, total, propias):
    import psycopg2

    conexion = psycopg2.connect(f"{PG}/postgres")
    conexion.autocommit = True
    with conexion.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BD} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {BD}")
    conexion.close()
    subprocess.run([sys.executable, "-c", "import redis,sys; redis.Redis.from_url(sys.argv[1]).flushdb()", REDIS], check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=RAIZ, env=env, check=True)
    salida = subprocess.run(
        [sys.executable, "bench/sembrar.py", str(total), str(propias)],
        cwd=RAIZ, env=env, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(salida.strip().splitlines()[-1])


def arrancar_gunicorn(env):
    proceso = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "egov.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{PUERTO}", "--log-level", "warning"],
        cwd=RAIZ, env=env,
    )
    limite = time.monotonic() + 30
    while time.monotonic() < limite:
        try:
            with urllib.request.urlopen(f"{BASE}/salud/", timeout=2) as r:
                if r.status == 200:
                    return proceso
        except OSError:
            time.sleep(0.3)
    proceso.terminate()
    raise SystemExit("gunicorn no respondió en 30 s")


def wrk(ruta, segundos, cookie=None, conexiones=8):
    comando = ["wrk", "-t2", f"-c{conexiones}", f"-d{segundos}s", "-s", str(RAIZ / "bench" / "percentiles.lua")]
    if cookie:
        # A browser sends back the CSRF cookie it got on its first page.
        comando += ["-H", f"Cookie: sessionid={cookie}; csrftoken={CSRF}"]
    salida = subprocess.run(comando + [BASE + ruta], capture_output=True, text=True, check=True).stdout
    return json.loads(salida.strip().splitlines()[-1])


def comprobar(ruta, cookie=None):
    peticion = urllib.request.Request(BASE + ruta, headers={"Cookie": f"sessionid={cookie}"} if cookie else {})
    with urllib.request.urlopen(peticion, timeout=10) as respuesta:
        if respuesta.status != 200 or respuesta.url.rstrip("/") != (BASE + ruta).rstrip("/"):
            raise SystemExit(f"{ruta} no respondió 200 sin redirección: {respuesta.status} {respuesta.url}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segundos", type=int, default=int(os.environ.get("BENCH_SEGUNDOS", "10")))
    parser.add_argument("--solicitudes", type=int, default=10_000)
    parser.add_argument("--grande", type=int, default=int(os.environ.get("BENCH_GRANDE", "1000000")),
                        help="tamaño de la tabla para la segunda medición del panel de gestión")
    args = parser.parse_args()

    asegurar_wrk()
    with tempfile.TemporaryDirectory(prefix="egov-bench-") as var_dir:
        env = entorno(var_dir)
        print(f"==> sembrando {args.solicitudes} solicitudes en PostgreSQL ({BD})", flush=True)
        datos = preparar_bd(env, args.solicitudes, 20)
        gunicorn = arrancar_gunicorn(env)
        try:
            paginas = [
                ("techo: vista sin BD, 20 filas", "/bench/techo/", None, None),
                ("catálogo (anónimo)", "/tramites/", None, 0.6),
                ("detalle de trámite (anónimo)", f"/tramites/{datos['slug']}/", None, 0.6),
                ("Mis trámites (20 propias)", "/mis-tramites/", datos["sesion"], 0.4),
                ("detalle de expediente", f"/mis-tramites/{datos['expediente']}/", datos["sesion"], 0.4),
                ("transparencia (caché, anónimo)", "/transparencia/", None, 0.8),
            ]
            for _n, ruta, cookie, _m in paginas:
                comprobar(ruta, cookie)
                wrk(ruta, 2, cookie)  # warm-up
            resultados = [(n, wrk(r, args.segundos, c), meta) for n, r, c, meta in paginas]
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=20)
        print("==> certificados PDF (render, tarea, workers, latencia)", flush=True)
        salida = ejecutar([sys.executable, "bench/pdf.py"], env)
        pdf = json.loads(salida.strip().splitlines()[-1])
        panel = []
        for tamano in (args.solicitudes, args.grande):
            print(f"==> panel de gestión con {tamano} solicitudes", flush=True)
            salida = ejecutar(
                [sys.executable, "bench/admin.py", str(tamano)],
                {**env, "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver"},
            )
            panel.append(json.loads(salida.strip().splitlines()[-1]))
        print("==> indicadores de transparencia sobre la tabla grande", flush=True)
        salida = ejecutar([sys.executable, "bench/indicadores.py"], env)
        agregados = json.loads(salida.strip().splitlines()[-1])

    techo = resultados[0][1]["rps"]
    print()
    print(f"Páginas del portal — gunicorn 2 workers, PostgreSQL con {datos['solicitudes']} solicitudes, "
          f"wrk {args.segundos} s, 8 conexiones")
    print(f"{'página':34} {'pet/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'ratio':>7} {'meta':>6}  errores")
    for nombre, r, meta in resultados:
        ratio = r["rps"] / techo
        estado = "" if meta is None else ("ok" if ratio >= meta else "BAJO")
        print(f"{nombre:34} {r['rps']:9.1f} {r['p50_ms']:8.2f} {r['p95_ms']:8.2f} {ratio:7.2f} "
              f"{'' if meta is None else f'≥{meta}':>6}  {r['errores']} {estado}")

    print()
    print("Certificados PDF")
    ratio_tarea = pdf["tarea_s"] / pdf["render_s"]
    escala = pdf["por_segundo_2"] / pdf["por_segundo_1"]
    print(f"  render WeasyPrint solo: {pdf['render_s'] * 1000:.0f} ms · tarea completa (cargar, render, QR, "
          f"firmar, guardar): {pdf['tarea_s'] * 1000:.0f} ms · ratio {ratio_tarea:.2f} (meta ≤ 1.4) "
          f"{'ok' if ratio_tarea <= 1.4 else 'ALTO'}")
    print(f"  certificados/s: 1 worker {pdf['por_segundo_1']:.2f} · 2 workers {pdf['por_segundo_2']:.2f} · "
          f"{escala:.2f}× (meta ≥ 1.8) {'ok' if escala >= 1.8 else 'BAJO'}")
    print(f"  aprobación → listo para descargar: p50 {pdf['latencia_p50_s'] * 1000:.0f} ms · "
          f"p95 {pdf['latencia_p95_s'] * 1000:.0f} ms (meta p95 < 2 s) "
          f"{'ok' if pdf['latencia_p95_s'] < 2 else 'ALTO'}")

    print()
    print("Panel de gestión — tiempo de servidor (mediana de 15), vista por defecto de una evaluadora")
    print(f"{'solicitudes':>12} {'lista ms':>10} {'expediente ms':>14}")
    for fila in panel:
        print(f"{fila['solicitudes']:>12} {fila['lista_ms']:10.1f} {fila['detalle_ms']:14.1f}")
    chico, grande = panel
    ratio = grande["lista_ms"] / chico["lista_ms"]
    print(f"lista {grande['solicitudes']} / {chico['solicitudes']}: {ratio:.2f}× (meta ≤ 2×) "
          f"{'ok' if ratio <= 2 else 'ALTO'}; expediente: {grande['detalle_ms'] / chico['detalle_ms']:.2f}×")
    print()
    print(f"Transparencia — todos los indicadores con {agregados['solicitudes']} solicitudes en PostgreSQL: "
          f"{agregados['segundos']:.2f} s (meta < 10 s) {'ok' if agregados['segundos'] < 10 else 'ALTO'}")


if __name__ == "__main__":
    main()

