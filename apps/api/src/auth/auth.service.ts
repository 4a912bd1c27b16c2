import { Inject, Injectable } from '@nestjs/common';
import type { Me, Setup, SignIn } from '@onda/contracts';
import { AppError } from '../common/app-error.js';
import { API_OPTIONS, SIGN_IN_THROTTLE, type ApiOptions } from '../common/tokens.js';
import type { SignInThrottle } from './sign-in-throttle.js';
import type { Principal } from './auth.context.js';
import { AuthRepository } from './auth.repository.js';
import { hashPassword, verifyPassword } from './password.js';
import { randomSecret, sha256Hex } from '../common/token-crypto.js';

export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
// Verifying against a throwaway hash when the email is unknown keeps sign-in timing the same either way.
const DUMMY_HASH = hashPassword('onda-timing-equaliser');

/** Console sign-in with email and password, and the one-time first-run setup of the first admin. */
@Injectable()
export class AuthService {
  constructor(
    private readonly repo: AuthRepository,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
    @Inject(SIGN_IN_THROTTLE) private readonly throttle: SignInThrottle,
  ) {}

  /** Returns the cookie value of a new session; only its digest is stored. Throttled per account and address (429). */
  async signIn(body: SignIn, address: string): Promise<{ cookie: string; expiresAt: Date }> {
    await this.throttle.check(body.email, address);
    const user = await this.repo.findUserByEmail(body.email);
    const ok = await verifyPassword(body.password, user?.passwordHash ?? (await DUMMY_HASH));
    if (!user || !user.passwordHash || !ok) throw new AppError('unauthenticated', 'Wrong email or password');
    // Told only after the right password, so it reveals nothing to a guesser.
    if (user.disabledAt) throw new AppError('forbidden', 'This account is disabled; ask an operator of this server');
    // A viewer invited to moderate signs in to accept or decline (finding 15); its session has no scopes until then but clips:write, which every signed-in viewer has.
    if (user.role === 'viewer' && !(await this.repo.hasModeratorInvitation(user.email))) throw new AppError('forbidden', 'Only admins and moderators can use the console');
    return this.openSession(user);
  }

  async signOut(cookieValue: string | null): Promise<void> {
    if (cookieValue) await this.repo.deleteSession(sha256Hex(cookieValue));
  }

  /** Works only while no operator or streamer exists: the first person to reach a fresh server becomes its operator. */
  async setup(body: Setup): Promise<{ cookie: string; expiresAt: Date }> {
    const user = await this.repo.createFirstOperator({
      email: body.email,
      displayName: body.displayName ?? body.email.split('@')[0] ?? body.email,
      passwordHash: await hashPassword(body.password),
    });
    if (!user) throw new AppError('conflict', 'This server already has an admin; sign in instead');
    return this.openSession(user);
  }

  setupNeeded(): Promise<boolean> {
    return this.repo.adminExists().then((exists) => !exists);
  }

  me(principal: Principal): Me {
    const { user } = principal;
    return { id: user.id, email: user.email, displayName: user.displayName, role: user.role, operator: user.operator, scopes: principal.scopes, via: principal.via };
  }

  cookieFlags(maxAgeSeconds: number): string {
    const secure = this.options.publicUrl.startsWith('https:') ? '; Secure' : '';
    return `Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
  }

  /** Opens a console session for `user` (sign-in, setup, an accepted invitation or reset link). */
  async openSession(user: { id: string }): Promise<{ cookie: string; expiresAt: Date }> {
    const cookie = randomSecret('ses_');
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    await this.repo.createSession(user.id, sha256Hex(cookie), expiresAt);
    return { cookie, expiresAt };
  }
}
