/// A part of the edge cannot start with what its config names (a TLS file that is no usable
/// certificate or key); the message names the config key and the file.
struct EdgeStartError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
