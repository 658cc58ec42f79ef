import Foundation
import PackagePlugin

/// Writes `BuildRevision.swift` (the git revision the build was made from) for the `BuildInfo`
/// module, so `--version`, `/metrics` and the page all name the same build.
///
/// A build command runs again only when its inputs change, so its inputs are the files git
/// rewrites when HEAD moves: `HEAD` (a checkout of another branch) and `logs/HEAD` (every commit,
/// checkout and reset). Outside a git checkout there are none and the revision reads `unknown`.
@main
struct RevisionStamp: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let root = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildRevision.swift")
        let inputs = Self.gitDirectory(root).map { [$0.appending(path: "HEAD"), $0.appending(path: "logs/HEAD")] } ?? []
        return [
            .buildCommand(
                displayName: "Stamping the git revision into BuildInfo",
                executable: try context.tool(named: "revision-stamp").url,
                arguments: [root.path, output.path],
                inputFiles: inputs.filter { FileManager.default.fileExists(atPath: $0.path) },
                outputFiles: [output])
        ]
    }

    /// `.git` is a folder in a clone and a file (`gitdir: …`) in a worktree.
    static func gitDirectory(_ root: URL) -> URL? {
        let dotGit = root.appending(path: ".git")
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isFolder) else { return nil }
        if isFolder.boolValue { return dotGit }
        guard let text = try? String(contentsOf: dotGit, encoding: .utf8),
              let line = text.split(separator: "\n").first, line.hasPrefix("gitdir: ")
        else { return nil }
        let path = String(line.dropFirst("gitdir: ".count)).trimmingCharacters(in: .whitespaces)
        return path.hasPrefix("/") ? URL(filePath: path) : root.appending(path: path)
    }
}
