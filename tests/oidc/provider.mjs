// A real OpenID Connect provider for the portal's tests (node package oidc-provider).
// tests/oidc_fixtures.py starts it; it can also be run by hand:
//
//   OIDC_ACCOUNTS_FILE=accounts.json OIDC_REDIRECT_URIS=http://127.0.0.1:5000/login/oidc/callback \
//     node tests/oidc/provider.mjs
//
// Environment:
//   OIDC_PORT            port on 127.0.0.1 (default 0: a free one); the issuer is http://127.0.0.1:<port>
//   OIDC_REDIRECT_URIS   the client's redirect URIs, separated by spaces or commas (required)
//   OIDC_CLIENT_ID       default "portal"
//   OIDC_CLIENT_SECRET   default "portal-test-secret"
//   OIDC_ACCOUNTS_FILE   JSON object {account id: {claims}}, read again at every findAccount, so a
//                        test can change a user's claims while the provider runs; written with the
//                        built-in USERS below if it does not exist; without it USERS are used
//
// Sign-in uses oidc-provider's development interactions (any account id from the accounts file,
// any password; an unknown id sends the client error=access_denied, and so does the sign-in
// page's "Cancel" link); consent is given automatically (loadExistingGrant), as for a
// first-party client.
// When ready it prints one line: OIDC_PROVIDER_READY {"issuer": ...}. It exits when its standard
// input closes, so it never outlives the test process that started it, even a killed one.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider, { errors } from 'oidc-provider';

export const USERS = {
  olivia: {
    email: 'olivia@example.com', email_verified: true, name: 'Olivia Owner', locale: 'en-GB',
    groups: ['staff', 'it-leads'], department: 'it', manager_email: 'max@example.com',
  },
  tom: {
    email: 'tom@example.com', email_verified: true, name: 'Tom Temp', locale: 'de-DE',
    groups: ['temps'], department: 'it', manager_email: 'olivia@example.com',
  },
  nobody: {
    email: 'nobody@example.com', email_verified: true, name: 'Nora Nobody', locale: 'en-GB',
    groups: [],
  },
};

const env = process.env;
const redirectUris = (env.OIDC_REDIRECT_URIS || '').split(/[\s,]+/).filter(Boolean);
if (!redirectUris.length) {
  console.error('OIDC_REDIRECT_URIS is required (the client\'s redirect URIs)');
  process.exit(2);
}

// Written once if missing, so that a test may read and change it.
if (env.OIDC_ACCOUNTS_FILE && !existsSync(env.OIDC_ACCOUNTS_FILE)) {
  writeFileSync(env.OIDC_ACCOUNTS_FILE, `${JSON.stringify(USERS, null, 2)}\n`);
}

function accounts() {
  if (!env.OIDC_ACCOUNTS_FILE) return USERS;
  return JSON.parse(readFileSync(env.OIDC_ACCOUNTS_FILE, 'utf8'));
}

async function findAccount(ctx, id) {
  const all = accounts();
  const data = Object.hasOwn(all, id) ? all[id] : undefined;
  if (!data) {
    // Signing in as an account nobody knows (or one removed meanwhile) sends the client an
    // error=access_denied, as a real provider would refuse; elsewhere the token is just invalid.
    if (['authorization', 'resume'].includes(ctx?.oidc?.route)) {
      throw new errors.AccessDenied(`unknown account ${id}`);
    }
    return undefined;
  }
  return {
    accountId: id,
    // Every claim the account has; oidc-provider keeps those the granted scopes allow.
    async claims() { return { ...data, sub: id }; },
  };
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', use: 'sig', alg: 'RS256' };

const server = createServer();
server.listen(Number(env.OIDC_PORT || 0), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const clientId = env.OIDC_CLIENT_ID || 'portal';
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: env.OIDC_CLIENT_SECRET || 'portal-test-secret',
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    findAccount,
    scopes: ['openid', 'email', 'profile'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'locale', 'groups', 'department', 'manager_email'],
    },
    // The ID token of the code flow carries the user's claims too, not only sub.
    conformIdTokenClaims: false,
    // PKCE with S256 is honoured when the client sends it; this confidential client need not.
    pkce: { methods: ['S256'], required: () => false },
    features: {
      devInteractions: { enabled: true },
      userinfo: { enabled: true },
    },
    // Consent is automatic: the first-party client gets every scope it asks for.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      const found = grantId && await ctx.oidc.provider.Grant.find(grantId);
      if (found && found.accountId === ctx.oidc.session.accountId) return found;
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    ttl: { AccessToken: 3600, AuthorizationCode: 300, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><title>oidc error</title><h1>${out.error}</h1><p>${
        String(out.error_description || '').replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`;
    },
  });
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  provider.on('grant.error', (ctx, error) => console.error('grant.error', error.message, error.error_description || ''));
  server.on('request', provider.callback());
  console.log(`OIDC_PROVIDER_READY ${JSON.stringify({ issuer, client_id: clientId, redirect_uris: redirectUris })}`);
});

function stop() {
  server.close();
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent keeps our standard input open; when it goes away (even killed), so do we.
if (!env.OIDC_KEEP_RUNNING) {
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}
