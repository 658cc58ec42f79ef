import Foundation

/// Finds executables built by this package (`haetae-edge`, …) for integration tests.
public enum BuiltProducts {
    /// The path of the built executable `name`: `$HAETAE_BIN_DIR/name` if set, else next to the
    /// running test bundle (`.build/<config>/`).
    public static func executable(_ name: String) throws -> String {
        var candidates: [String] = []
        if let directory = ProcessInfo.processInfo.environment["HAETAE_BIN_DIR"] {
            candidates.append(directory + "/" + name)
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent(name).path)
            directory.deleteLastPathComponent()
        }
        if let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) {
            return found
        }
        throw TestSupportError("\(name) is not built (looked in \(candidates.joined(separator: ", "))); run `swift build` first")
    }
}
