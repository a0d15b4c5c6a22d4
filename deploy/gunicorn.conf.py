"""gunicorn's settings for running the portal without docker compose:

    gunicorn -c deploy/gunicorn.conf.py egov.wsgi:application

Listens on 127.0.0.1:$PORT (8000), GUNICORN_WORKERS workers (3), access log to
stdout. Before forking any worker it refuses to start when STATIC_ROOT lacks
collectstatic's output, which would otherwise turn every page into a 500.
"""

import os
import sys
import time

bind = f"{os.environ.get('GUNICORN_BIND_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
accesslog = "-"
errorlog = "-"
# gunicorn's own lines and its access log in the portal's time zone, like Django's
# and Celery's (the access log's %(t)s carries the offset).
os.environ.setdefault("TZ", "America/Lima")
time.tzset()


def on_starting(server):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
    import django
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    django.setup(set_prefix=False)
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return
    if not os.path.exists(os.path.join(settings.STATIC_ROOT, staticfiles_storage.manifest_name)):
        sys.exit(
            f"Faltan los archivos estáticos en STATIC_ROOT ({settings.STATIC_ROOT}): sin ellos "
            "ninguna página se puede mostrar. Ejecuta `python manage.py collectstatic --noinput` "
            "con la misma configuración y vuelve a arrancar gunicorn."
        )
    recolectados, _ = staticfiles_storage.load_manifest()
    faltan = sorted(
        ruta for finder in get_finders() for ruta, _ in finder.list(["CVS", ".*", "*~"])
        if ruta not in recolectados
    )
    if faltan:
        sys.exit(
            f"Los archivos estáticos de STATIC_ROOT ({settings.STATIC_ROOT}) están desactualizados "
            f"(faltan {', '.join(faltan[:5])}). Vuelve a ejecutar "
            "`python manage.py collectstatic --noinput` tras cada actualización."
        )
