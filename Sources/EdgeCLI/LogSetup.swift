import Edge
import Foundation
import Logging
import LogFormat

/// Installs the process-wide log handler once, at start, from the `log:` section.
enum LogSetup {
    static func bootstrap(_ log: EdgeConfiguration.Log) {
        let level = Logger.Level(rawValue: log.level.rawValue) ?? .info
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = switch log.format {
            case .text: StreamLogHandler.standardError(label: label)
            case .json: JSONLogHandler(label: label)
            }
            handler.logLevel = level
            return handler
        }
    }
}
