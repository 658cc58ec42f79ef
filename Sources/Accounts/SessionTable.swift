import Crypto
import Foundation

/// The page's sessions, in memory: opened at login, found again from the cookie, ended by
/// logout, by a lifetime, by idleness, or when the account changes.
///
/// Pure state (the caller passes the time), bounded: at `capacity` the session seen least
/// recently gives way. Keyed by the SHA-256 of the cookie value, so the table never holds a
/// usable cookie and a lookup's timing says nothing about a guessed one. Sessions do not survive
/// a core restart: people log in again.
public struct SessionTable: Sendable {
    public let idleMillis: Int64
    public let lifetimeMillis: Int64
    public let capacity: Int
    private var sessions: [String: PageSession] = [:]

    public init(idleMillis: Int64, lifetimeMillis: Int64, capacity: Int = 10_000) {
        precondition(idleMillis > 0 && lifetimeMillis > 0 && capacity > 0)
        self.idleMillis = idleMillis
        self.lifetimeMillis = lifetimeMillis
        self.capacity = capacity
    }

    public var count: Int { sessions.count }

    /// Opens a session; returns the cookie value (32 random bytes, base64url) and the session.
    public mutating func open(user: String, role: Role, credential: String, nowMillis: Int64) -> (cookie: String, session: PageSession) {
        if sessions.count >= capacity {
            sessions = sessions.filter { isLive($0.value, nowMillis: nowMillis) }
            if sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.lastSeenAtMillis < $1.value.lastSeenAtMillis })?.key {
                sessions[oldest] = nil
            }
        }
        let cookie = Self.randomToken()
        let session = PageSession(
            user: user, role: role, csrfToken: Self.randomToken(), credential: credential,
            openedAtMillis: nowMillis, lastSeenAtMillis: nowMillis, expiresAtMillis: nowMillis + lifetimeMillis)
        sessions[Self.digest(cookie)] = session
        return (cookie, session)
    }

    /// The live session of a cookie value, marked as seen now; nil (and forgotten) when unknown,
    /// idle for too long or past its lifetime.
    public mutating func resume(cookie: String, nowMillis: Int64) -> PageSession? {
        guard cookie.utf8.count <= 128 else { return nil }
        let key = Self.digest(cookie)
        guard var session = sessions[key] else { return nil }
        guard isLive(session, nowMillis: nowMillis) else {
            sessions[key] = nil
            return nil
        }
        session.lastSeenAtMillis = max(session.lastSeenAtMillis, nowMillis)
        sessions[key] = session
        return session
    }

    /// Ends the session of a cookie value (logout).
    public mutating func close(cookie: String) {
        sessions[Self.digest(cookie)] = nil
    }

    /// Ends every session of `user` (removed, or its password or role changed).
    public mutating func closeAll(user: String) {
        sessions = sessions.filter { $0.value.user != user }
    }

    /// Live sessions per user, for the accounts list.
    public func liveCounts(nowMillis: Int64) -> [String: Int] {
        var counts: [String: Int] = [:]
        for session in sessions.values where isLive(session, nowMillis: nowMillis) { counts[session.user, default: 0] += 1 }
        return counts
    }

    private func isLive(_ session: PageSession, nowMillis: Int64) -> Bool {
        nowMillis < session.expiresAtMillis && nowMillis - session.lastSeenAtMillis < idleMillis
    }

    static func digest(_ cookie: String) -> String {
        SHA256.hash(data: Data(cookie.utf8)).map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    /// 32 random bytes from the system's generator, base64url without padding.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
