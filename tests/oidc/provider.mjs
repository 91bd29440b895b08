// A real OpenID Connect provider on loopback for the sign-in tests
// (tests/test_browser_auth.py): the npm package oidc-provider, one confidential
// client (the dashboard), and people who sign in with any password; a person's
// login is their email claim (a login without "@" gets no email claim).
//
//   node provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
//
// Prints "ready ISSUER" on stdout once it listens. Test use only: its login
// page accepts any password (oidc-provider's development interactions).
import http from 'node:http';

import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
if (!port || !clientId || !clientSecret || !redirectUri) {
  console.error('usage: node provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI');
  process.exit(2);
}
// "localhost", not 127.0.0.1 as the dashboard: cookies are kept per host, not per port
const issuer = `http://localhost:${port}`;

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
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  scopes: ['openid', 'email', 'profile'],
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        // a login that is not an email address stands for a provider set up
        // without the email claim
        if (!id.includes('@')) return { sub: id, name: id };
        return { sub: id, email: id, email_verified: true, name: id };
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
    grant.addOIDCClaims(['email', 'email_verified', 'name']);
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
// loopback only, on both of the addresses "localhost" may resolve to
const ipv4 = http.createServer(provider.callback());
ipv4.listen(Number(port), '127.0.0.1', () => {
  const ipv6 = http.createServer(provider.callback());
  ipv6.on('error', () => console.log(`ready ${issuer}`)); // no IPv6 loopback here
  ipv6.listen(Number(port), '::1', () => console.log(`ready ${issuer}`));
});
