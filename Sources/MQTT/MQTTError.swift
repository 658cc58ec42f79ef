import CMosquitto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed libmosquitto call or a refusal by the broker, with the call that failed.
///
/// `description` is safe for logs: it names the call, the code and libmosquitto's text,
/// never a password or payload bytes.
public struct MQTTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was being done: a libmosquitto function (`mosquitto_connect_bind_v5`), `CONNACK`,
    /// `TLS`, or a configuration check with the offending value.
    public var call: String
    /// libmosquitto's `MOSQ_ERR_*` code, the CONNACK code (3.1.1) or the reason code (5).
    public var code: Int32
    /// Human-readable text from `mosquitto_strerror`, `mosquitto_connack_string` or
    /// `mosquitto_reason_string`, possibly with detail such as the OS error.
    public var message: String

    public init(call: String, code: Int32, message: String) {
        self.call = call
        self.code = code
        self.message = message
    }

    public var description: String {
        "\(call) failed (code \(code)): \(message)"
    }
}

extension MQTTError {
    /// A `MOSQ_ERR_*` result of `call`, with the OS error text when the code is `MOSQ_ERR_ERRNO`.
    static func library(call: String, code: Int32) -> MQTTError {
        var message = String(cString: mosquitto_strerror(code))
        if code == MOSQ_ERR_ERRNO.rawValue {
            message += " (\(String(cString: strerror(errno))))"
        }
        return MQTTError(call: call, code: code, message: message)
    }

    /// The broker refused the connection in CONNACK.
    static func connack(code: Int32, protocolVersion: MQTTConfiguration.ProtocolVersion) -> MQTTError {
        let text = switch protocolVersion {
        case .v311: String(cString: mosquitto_connack_string(code))
        case .v5: String(cString: mosquitto_reason_string(code))
        }
        return MQTTError(call: "CONNACK", code: code, message: "broker refused the connection: \(text)")
    }

    /// A configuration value that cannot work; rejected before any I/O.
    static func invalidConfiguration(_ what: String) -> MQTTError {
        MQTTError(call: "MQTTConfiguration", code: MOSQ_ERR_INVAL.rawValue, message: what)
    }
}

/// The one checker every libmosquitto result goes through.
/// - Parameters:
///   - code: the function's return value.
///   - call: names the call (and its subject) for the error.
@inline(__always)
func check(_ code: Int32, _ call: @autoclosure () -> String) throws(MQTTError) {
    guard code == MOSQ_ERR_SUCCESS.rawValue else {
        throw MQTTError.library(call: call(), code: code)
    }
}
