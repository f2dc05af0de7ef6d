// Users with their logins (auth token + JWT), made once per scenario.
import { pool } from './parley.mjs';

export async function usersWithLogins(ctx, app, count, prefix = 'u') {
  const uids = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  await ctx.parley.createUsers(app, uids);
  return pool(uids, 16, (uid) => ctx.parley.login(app, uid));
}

export const wsUrl = (httpUrl) => httpUrl.replace(/^http/, 'ws');
