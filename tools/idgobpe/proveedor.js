// A local OpenID Connect provider that stands in for ID GOB.PE in development
// and tests: the certified `oidc-provider` package, with RENIEC's IDaaS claim
// names (doc, first_name, fathers_lastname, mothers_lastname, ...) and the
// `acr` values one_factor / two_factor. Two fictitious identities (README,
// "Ingresar con ID GOB.PE").
//
// Configuration, from the environment or as --name=value arguments:
//   IDGOBPE_PUERTO (--puerto)                 default 8092
//   IDGOBPE_EMISOR (--emisor)                 default http://127.0.0.1:<puerto>
//   IDGOBPE_CLIENT_ID (--client-id)           default portal-local
//   IDGOBPE_CLIENT_SECRET (--client-secret)   default secreto-local
//   IDGOBPE_REDIRECT_URIS (--redirect-uris)   comma separated; default the portal's
//                                             callback on 127.0.0.1:8000
//   IDGOBPE_POST_LOGOUT_URIS (--post-logout-uris)  comma separated; default the portal's home
//   IDGOBPE_CODIGO_TTL (--codigo-ttl)         seconds an authorization code lives; default 60
import crypto from 'node:crypto';
import http from 'node:http';
import { URL, URLSearchParams } from 'node:url';

import Provider, { interactionPolicy } from 'oidc-provider';

const argumentos = Object.fromEntries(
  process.argv.slice(2)
    .filter((a) => a.startsWith('--') && a.includes('='))
    .map((a) => {
      const [nombre, ...resto] = a.slice(2).split('=');
      return [nombre, resto.join('=')];
    }),
);

function opcion(argumento, variable, omision) {
  return argumentos[argumento] ?? process.env[variable] ?? omision;
}

const PUERTO = Number(opcion('puerto', 'IDGOBPE_PUERTO', '8092'));
const EMISOR = opcion('emisor', 'IDGOBPE_EMISOR', `http://127.0.0.1:${PUERTO}`).replace(/\/+$/, '');
const CLIENTE = opcion('client-id', 'IDGOBPE_CLIENT_ID', 'portal-local');
const SECRETO = opcion('client-secret', 'IDGOBPE_CLIENT_SECRET', 'secreto-local');
const lista = (texto) => texto.split(',').map((s) => s.trim()).filter(Boolean);
const REDIRECCIONES = lista(opcion(
  'redirect-uris', 'IDGOBPE_REDIRECT_URIS', 'http://127.0.0.1:8000/cuenta/oidc/idgobpe/login/callback/',
));
const SALIDAS = lista(opcion('post-logout-uris', 'IDGOBPE_POST_LOGOUT_URIS', 'http://127.0.0.1:8000/'));
const CODIGO_TTL = Number(opcion('codigo-ttl', 'IDGOBPE_CODIGO_TTL', '60'));

// The demo identities. `codigo` is the second factor (a fixed code: this is a
// stand-in, not an authenticator).
const IDENTIDADES = {
  40000003: {
    clave: 'maria-demo-2026',
    codigo: null,
    claims: {
      doc: '40000003',
      first_name: 'MARIA LUISA',
      fathers_lastname: 'FLORES',
      mothers_lastname: 'TORRES',
      email: 'maria.flores@example.pe',
      email_verified: true,
      phone_number: '+51987000003',
    },
  },
  40000004: {
    clave: 'pedro-demo-2026',
    codigo: '246810',
    claims: {
      doc: '40000004',
      first_name: 'PEDRO PABLO',
      fathers_lastname: 'RAMOS',
      mothers_lastname: 'CHAVEZ',
      email: 'pedro.ramos@example.pe',
      email_verified: true,
      phone_number: '+51987000004',
    },
  },
};

function pideDosFactores(params) {
  return String(params.acr_values || '').split(' ').includes('two_factor');
}

// A session that logged in with one factor must log in again when the client
// asks for two (acr_values=two_factor): the step-up of a procedure that needs it.
const politica = interactionPolicy.base();
politica.get('login').checks.add(new interactionPolicy.Check(
  'acr_insuficiente',
  'the client asked for two factors and the session has one',
  (ctx) => pideDosFactores(ctx.oidc.params) && ctx.oidc.acr !== 'two_factor',
));

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const firma = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256' };

const ALCANCES = 'openid profile email phone';

const configuracion = {
  clients: [{
    client_id: CLIENTE,
    client_secret: SECRETO,
    redirect_uris: REDIRECCIONES,
    post_logout_redirect_uris: SALIDAS,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  jwks: { keys: [firma] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  acrValues: ['one_factor', 'two_factor'],
  scopes: ['openid', 'profile', 'email', 'phone'],
  claims: {
    // Always in the ID token (as the package's defaults, which this replaces).
    acr: null,
    auth_time: null,
    sid: null,
    iss: null,
    openid: ['sub'],
    profile: ['doc', 'first_name', 'fathers_lastname', 'mothers_lastname'],
    email: ['email', 'email_verified'],
    phone: ['phone_number'],
  },
  ttl: { AuthorizationCode: CODIGO_TTL, Session: 8 * 3600, Interaction: 600, Grant: 8 * 3600 },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true, logoutSource: paginaSalir, postLogoutSuccessSource: paginaSalida },
  },
  interactions: { policy: politica, url: (ctx, interaccion) => `/interaccion/${interaccion.uid}` },
  async findAccount(ctx, sub) {
    const identidad = IDENTIDADES[sub];
    if (!identidad) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...identidad.claims }) };
  },
  // ID GOB.PE asks no consent of the entity's own citizens: the grant covers
  // the scopes the portal asks for.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ALCANCES);
    await grant.save();
    return grant;
  },
  async renderError(ctx, salida) {
    ctx.type = 'html';
    ctx.body = pagina('Error', `<h1>No se pudo completar el ingreso</h1>
      <p>${escapar(salida.error_description || salida.error)}</p>
      <p>Vuelve al portal e inténtalo de nuevo.</p>`);
  },
};

function escapar(texto) {
  return String(texto ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function pagina(titulo, cuerpo) {
  return `<!doctype html><html lang="es"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapar(titulo)} · ID GOB.PE (local)</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
label{display:block;margin-top:1rem;font-weight:600}input{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box}
button{margin-top:1.5rem;font-size:1rem;padding:.6rem 1.2rem;background:#b00020;color:#fff;border:0;border-radius:4px}
.error{color:#8b0000;border-left:4px solid #8b0000;padding-left:.5rem}.nota{color:#333;font-size:.9rem}</style>
</head><body><main>${cuerpo}</main></body></html>`;
}

async function paginaSalir(ctx, formulario) {
  ctx.type = 'html';
  ctx.body = pagina('Cerrar sesión', `<h1>Cerrar sesión en ID GOB.PE</h1>
    <p>Cerraste sesión en el portal. ¿Cierras también tu sesión en ID GOB.PE?</p>
    ${formulario}
    <button type="submit" form="op.logoutForm" name="logout" value="yes">Sí, cerrar sesión</button>`);
}

async function paginaSalida(ctx) {
  ctx.type = 'html';
  ctx.body = pagina('Sesión cerrada', '<h1>Cerraste tu sesión en ID GOB.PE</h1>');
}

function formularioIngreso(uid, params, error = '', documento = '') {
  const dos = pideDosFactores(params);
  return pagina('Ingresar', `<h1>Ingresar con ID GOB.PE</h1>
    <p class="nota">Proveedor de identidad local, solo para desarrollo y pruebas.</p>
    ${error ? `<p class="error" role="alert">${escapar(error)}</p>` : ''}
    <form method="post" action="/interaccion/${escapar(uid)}/ingresar">
      <label for="documento">Número de DNI</label>
      <input id="documento" name="documento" inputmode="numeric" autocomplete="username" value="${escapar(documento)}" required>
      <label for="clave">Clave</label>
      <input id="clave" name="clave" type="password" autocomplete="current-password" required>
      ${dos ? `<label for="codigo">Código de verificación</label>
      <input id="codigo" name="codigo" inputmode="numeric" autocomplete="one-time-code" required>
      <p class="nota">El trámite pide ingresar con dos factores.</p>` : ''}
      <button type="submit">Ingresar</button>
    </form>`);
}

async function leerFormulario(req) {
  let cuerpo = '';
  for await (const trozo of req) {
    cuerpo += trozo;
    if (cuerpo.length > 10000) break;
  }
  return Object.fromEntries(new URLSearchParams(cuerpo));
}

function responder(res, estado, html) {
  res.writeHead(estado, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

const proveedor = new Provider(EMISOR, configuracion);
proveedor.proxy = false;
const atenderOidc = proveedor.callback();

async function atenderInteraccion(req, res, ruta) {
  const detalles = await proveedor.interactionDetails(req, res);
  const { uid, prompt, params } = detalles;
  if (req.method === 'GET' && ruta === `/interaccion/${uid}`) {
    // Only the login prompt is interactive (no consent: see loadExistingGrant).
    if (prompt.name !== 'login') {
      await proveedor.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
      return;
    }
    responder(res, 200, formularioIngreso(uid, params));
    return;
  }
  if (req.method === 'POST' && ruta === `/interaccion/${uid}/ingresar`) {
    const datos = await leerFormulario(req);
    const documento = String(datos.documento || '').trim();
    const identidad = IDENTIDADES[documento];
    if (!identidad || identidad.clave !== datos.clave) {
      responder(res, 400, formularioIngreso(uid, params, 'El DNI o la clave no son correctos.', documento));
      return;
    }
    let acr = 'one_factor';
    if (pideDosFactores(params) && identidad.codigo) {
      if (datos.codigo !== identidad.codigo) {
        responder(res, 400, formularioIngreso(uid, params, 'El código de verificación no es correcto.', documento));
        return;
      }
      acr = 'two_factor';
    }
    await proveedor.interactionFinished(req, res, {
      login: { accountId: documento, acr, amr: acr === 'two_factor' ? ['pwd', 'otp'] : ['pwd'] },
    }, { mergeWithLastSubmission: false });
    return;
  }
  responder(res, 404, pagina('No encontrada', '<h1>Página no encontrada</h1>'));
}

const servidor = http.createServer(async (req, res) => {
  const ruta = new URL(req.url, EMISOR).pathname;
  if (!ruta.startsWith('/interaccion/')) {
    atenderOidc(req, res);
    return;
  }
  try {
    await atenderInteraccion(req, res, ruta);
  } catch (error) {
    responder(res, 400, pagina('Error', `<h1>No se pudo completar el ingreso</h1>
      <p>${escapar(error.error_description || error.message)}</p><p>Vuelve al portal e inténtalo de nuevo.</p>`));
  }
});

servidor.listen(PUERTO, '127.0.0.1', () => {
  console.log(`ID GOB.PE local en ${EMISOR} (cliente ${CLIENTE})`);
});

for (const senal of ['SIGINT', 'SIGTERM']) {
  process.on(senal, () => servidor.close(() => process.exit(0)));
}
