/// The page's session cookie: its name, the `Set-Cookie` values that set and clear it, and
/// finding it in a `Cookie` header.
///
/// Always `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page sends it),
/// `Path=/`. Under TLS also `Secure` with the `__Host-` name prefix, which browsers accept only
/// from a secure origin, for the whole host, without `Domain`: no sibling host can plant or
/// shadow it.
public struct SessionCookie: Sendable, Equatable {
    public let secure: Bool

    public init(secure: Bool) {
        self.secure = secure
    }

    public var name: String { secure ? "__Host-haetae_session" : "haetae_session" }

    /// `Set-Cookie` for a new session lasting `maxAgeSeconds`.
    public func setting(_ value: String, maxAgeSeconds: Int64) -> String {
        "\(name)=\(value); Path=/; Max-Age=\(max(0, maxAgeSeconds)); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// `Set-Cookie` that makes the browser forget the session (logout).
    public var clearing: String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The session cookie's value in a `Cookie` header (`a=1; haetae_session=…`); nil without one.
    /// Looks at no more than 8 KiB of header.
    public func value(in header: String?) -> String? {
        guard let header, header.utf8.count <= 8_192 else { return nil }
        for pair in header.split(separator: ";") {
            let trimmed = pair.drop { $0 == " " }
            guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == name[...] else { continue }
            let value = trimmed[trimmed.index(after: equals)...]
            return value.isEmpty ? nil : String(value)
        }
        return nil
    }
}
