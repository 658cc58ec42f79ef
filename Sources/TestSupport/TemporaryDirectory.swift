import Foundation

/// A fresh directory under /tmp, removed by ``remove()`` or when the object goes away.
public final class TemporaryDirectory: Sendable {
    /// Absolute path, without a trailing slash.
    public let path: String

    /// - Parameter prefix: readable part of the name, e.g. the test's subject.
    public init(prefix: String = "haetae-test") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestSupportError("mkdtemp(/tmp/\(prefix)-XXXXXX) failed: errno \(errno)")
        }
        path = String(cString: created)
    }

    /// The path of `name` inside this directory.
    public func file(_ name: String) -> String {
        "\(path)/\(name)"
    }

    /// Removes the directory and everything in it; safe to call more than once.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    deinit {
        remove()
    }
}
