// A real OpenID Connect provider on loopback for the sign-in tests
// (tests/test_browser_auth.py): the npm package oidc-provider, one confidential
// client (the dashboard), and people who sign in with any password; a person's
// login is their email claim (a login without "@" gets no email claim).
//
//   node provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
//
// Prints "ready ISSUER" on stdout once it listens. Test use only: its login
// page accepts any password (oidc-provider's development interactions).
//
// A login "TAG:EMAIL" signs in as EMAIL with its own subject (the whole login), to
// make the provider behave as real ones do (tests/test_browser_signin.py):
//   unverified:EMAIL  email_verified is false
//   noverified:EMAIL  no email_verified claim at all
//   second:EMAIL      a verified EMAIL, but another account (sub) than EMAIL's
//   groups:EMAIL      a verified EMAIL and 400 group ids in the ID token
// and GET /test/clock?ahead=SECONDS sets the provider's clock that far ahead of
// this machine's (0 to reset), as a provider whose clock drifted.
import { randomUUID } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
if (!port || !clientId || !clientSecret || !redirectUri) {
  console.error('usage: node provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI');
  process.exit(2);
}
// "localhost", not 127.0.0.1 as the dashboard: cookies are kept per host, not per port
const issuer = `http://localhost:${port}`;

// the provider's clock: oidc-provider stamps its tokens with Date.now()
const realNow = Date.now;
let ahead = 0;
Date.now = () => realNow() + ahead * 1000;

// group ids as Entra ID sends them: random, so the signed cookies (compressed) stay large
const GROUPS = Array.from({ length: 400 }, () => randomUUID());

function claimsOf(id) {
  // a login that is not an email address stands for a provider set up without the
  // email claim
  const [tag, email] = id.includes(':') ? id.split(':', 2) : ['', id];
  if (!email.includes('@')) return { sub: id, name: id };
  const claims = { sub: id, email, email_verified: true, name: email };
  if (tag === 'unverified') claims.email_verified = false;
  if (tag === 'noverified') delete claims.email_verified;
  if (tag === 'groups') claims.groups = GROUPS;
  return claims;
}

const configuration = {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      // Streamlit sends its callback URL as the post-logout redirect
      post_logout_redirect_uris: [redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  // the email claim in the ID token itself (Streamlit's st.user reads the ID token),
  // as Keycloak's email mapper puts it
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
  scopes: ['openid', 'email', 'profile'],
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return claimsOf(id);
      },
    };
  },
  // the dashboard is the bureau's own client: no consent page
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name', 'groups']);
    await grant.save();
    return grant;
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // the default pages load a font from the internet; these load nothing
      async logoutSource(ctx, form) {
        ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sign out</title></head>
<body>${form}<p>Sign out of the test provider?</p>
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button></body></html>`;
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Signed out</title></head><body><p>Signed out.</p></body></html>';
      },
    },
  },
  pkce: { required: () => false },
  // the tests run for minutes, not hours
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 120 },
  cookies: { keys: ['openness-test-cookie-key-not-a-secret'] },
  renderError(ctx, out) {
    ctx.type = 'html';
    const text = Object.entries(out).map(([k, v]) => `${k}: ${String(v).replace(/[<&>]/g, '')}`).join('\n');
    ctx.body = `<!DOCTYPE html><html><body><pre id="oidc-error">${text}</pre></body></html>`;
  },
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (_ctx, err) => console.error('server_error', err));
const oidc = provider.callback();
function handle(req, res) {
  const url = new URL(req.url, issuer);
  if (url.pathname === '/test/clock') {
    ahead = Number(url.searchParams.get('ahead') || 0);
    res.end(`ahead ${ahead}`);
    return;
  }
  oidc(req, res);
}
// loopback only, on both of the addresses "localhost" may resolve to
const ipv4 = http.createServer(handle);
ipv4.listen(Number(port), '127.0.0.1', () => {
  const ipv6 = http.createServer(handle);
  ipv6.on('error', () => console.log(`ready ${issuer}`)); // no IPv6 loopback here
  ipv6.listen(Number(port), '::1', () => console.log(`ready ${issuer}`));
});
