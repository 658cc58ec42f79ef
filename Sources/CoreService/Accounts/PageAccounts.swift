public import Accounts
import Clocks
public import Logging
import Synchronization

/// The page's accounts at the core: logins checked against the users file (bcrypt, on the
/// ``LoginGate``'s thread, rate-limited by ``LoginThrottle``), sessions (``SessionTable``) found
/// from their cookie, and the CSRF check of state-changing requests.
public final class PageAccounts: Sendable {
    public let directory: UserDirectory
    let cookie: SessionCookie
    private let sessions: Mutex<SessionTable>
    private let throttle: Mutex<LoginThrottle>
    private let gate: LoginGate
    private let logger: Logger

    /// What a login attempt came to.
    enum LoginOutcome: Sendable {
        case opened(cookie: String, session: PageSession)
        /// Unknown name or wrong password (the answer does not say which).
        case invalid
        /// Too many failures for this name or from this address: try again in so many seconds.
        case throttled(retryAfterSeconds: Int64)
        /// Too many checks already waiting.
        case busy
    }

    /// - Parameters:
    ///   - secure: the core serves TLS: the cookie is `Secure` and `__Host-` prefixed.
    ///   - idle, lifetime: a session ends after this long unused, and after `lifetime` at most.
    public init(directory: UserDirectory, secure: Bool, idle: Duration, lifetime: Duration, logger: Logger,
                throttlePolicy: LoginThrottle.Policy = LoginThrottle.Policy()) {
        self.directory = directory
        cookie = SessionCookie(secure: secure)
        sessions = Mutex(SessionTable(idleMillis: idle.milliseconds, lifetimeMillis: lifetime.milliseconds))
        throttle = Mutex(LoginThrottle(policy: throttlePolicy))
        gate = LoginGate()
        self.logger = logger
    }

    /// Checks `password` for `name` (from client `address`) and opens a session when it matches.
    func login(name: String, password: String, address: String) async -> LoginOutcome {
        let now = WallClock.millis()
        let validName = UserAccount.nameProblem(name) == nil
        // What the log and the throttle see of a name: bounded, and never a line break.
        let shown = validName ? name : "(not an account name)"
        if case .refused(let wait) = throttle.withLock({ $0.check(user: shown, address: address, nowMillis: now) }) {
            logger.notice("page login refused without checking: too many failures", metadata: ["user": "\(shown)", "address": "\(address)"])
            return .throttled(retryAfterSeconds: (wait + 999) / 1_000)
        }
        let account = validName ? directory.account(named: name) : nil
        // An unknown name is checked against a decoy hash, so it takes as long as a wrong password
        // (on the gate's thread: the decoy itself is a bcrypt hash, made at first use).
        guard let matches = await gate.run({ PasswordHasher.verify(password, hash: account?.passwordHash ?? PasswordHasher.decoyHash) }) else {
            logger.warning("page login refused: too many password checks waiting", metadata: ["address": "\(address)"])
            return .busy
        }
        let later = WallClock.millis()
        guard matches, let account else {
            throttle.withLock { $0.recordFailure(user: shown, address: address, nowMillis: later) }
            logger.notice("page login failed: unknown name or wrong password", metadata: ["user": "\(shown)", "address": "\(address)"])
            return .invalid
        }
        throttle.withLock { $0.recordSuccess(user: account.name) }
        let opened = sessions.withLock { $0.open(user: account.name, role: account.role, credential: account.passwordHash, nowMillis: later) }
        logger.info("page login", metadata: ["user": "\(account.name)", "role": "\(account.role.rawValue)", "address": "\(address)"])
        return .opened(cookie: opened.cookie, session: opened.session)
    }

    /// The live session a request's `Cookie` header carries, still matching its account (a
    /// removed account, a new password or another role ends it); nil without one.
    func session(cookieHeader: String?) -> PageSession? {
        guard let value = cookie.value(in: cookieHeader) else { return nil }
        let now = WallClock.millis()
        guard let session = sessions.withLock({ $0.resume(cookie: value, nowMillis: now) }) else { return nil }
        guard let account = directory.account(named: session.user), account.passwordHash == session.credential, account.role == session.role else {
            // Every session of that account is stale, not only this one.
            sessions.withLock { $0.closeAll(user: session.user) }
            logger.info("page sessions ended: the account changed", metadata: ["user": "\(session.user)"])
            return nil
        }
        return session
    }

    /// Ends the session a request's `Cookie` header carries.
    func logout(cookieHeader: String?) {
        guard let value = cookie.value(in: cookieHeader) else { return }
        sessions.withLock { $0.close(cookie: value) }
    }

    /// Live sessions per account name.
    func liveSessions() -> [String: Int] {
        let now = WallClock.millis()
        return sessions.withLock { $0.liveCounts(nowMillis: now) }
    }

    /// Seconds a new session's cookie lasts (its lifetime).
    var cookieMaxAgeSeconds: Int64 { sessions.withLock { $0.lifetimeMillis } / 1_000 }
}
