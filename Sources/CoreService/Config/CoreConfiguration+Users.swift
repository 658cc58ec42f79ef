public import ConfigFile
public import Foundation

extension CoreConfiguration {
    /// Only `auth.users_file` of a config file (resolved against the file's directory, with its
    /// `HAETAE_AUTH_USERS_FILE` override): for `haetae-core user …`, which must work before the
    /// users file exists, when the full config would not load yet. nil when the key is not set.
    public static func usersFilePath(configPath: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> String? {
        let text: String
        do {
            text = try String(contentsOfFile: configPath, encoding: .utf8)
        } catch {
            throw ConfigError(source: .file(path: configPath, line: nil), key: "", reason: "cannot read the file (\(ConfigValues.reason(error)))")
        }
        var reader = try ConfigReader(path: configPath, text: text, environment: environment)
        let file = try reader.string("auth.users_file", default: "")
        return file.isEmpty ? nil : ConfigValues.resolve(file, against: (configPath as NSString).deletingLastPathComponent)
    }
}
