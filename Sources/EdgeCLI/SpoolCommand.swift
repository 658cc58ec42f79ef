import ArgumentParser
import Edge
import Foundation
import Spool

struct SpoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spool", abstract: "Inspect the spool (works while the gateway runs).",
        subcommands: [Stats.self, Dump.self, Rejects.self])

    static func reader(_ options: ConfigOption) throws -> SpoolReader {
        let configuration = try options.load()
        do {
            return try SpoolReader(path: configuration.spool.path)
        } catch {
            throw ValidationFailure(message: "\(error)")
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Readings, batches, bytes and the oldest time stamp in the spool.")
        @OptionGroup var options: ConfigOption
        @Flag(help: "Print one JSON object.") var json = false

        func run() throws {
            let stats = try SpoolCommand.reader(options).stats()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(stats), as: UTF8.self))
            } else {
                print("""
                    readings:         \(stats.readings) (\(stats.openReadings) in the open batch)
                    batches:          \(stats.batches) sealed
                    bytes:            \(stats.bytes)
                    oldest reading:   \(stats.oldestTs.map { Date(timeIntervalSince1970: Double($0) / 1_000).description } ?? "-")
                    dropped readings: \(stats.droppedReadings)
                    rejects kept:     \(stats.rejectsKept)
                    """)
            }
        }
    }

    struct Dump: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print spooled readings as NDJSON: {site,line,device,sensor,unit,ts,value}.")
        @OptionGroup var options: ConfigOption
        @Option(help: "Stop after this many readings (0 = all).") var limit = 0

        func run() throws {
            let reader = try SpoolCommand.reader(options)
            var printed = 0
            var out = NDJSONWriter()
            do {
                try reader.forEachReading { reading in
                    if limit > 0 && printed >= limit { throw StopIteration() }
                    out.write(reading)
                    printed += 1
                }
            } catch is StopIteration {}
            out.flush()
        }
    }

    struct Rejects: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the most recent rejected messages, newest first.")
        @OptionGroup var options: ConfigOption
        @Option(help: "How many to show.") var limit = 20

        func run() throws {
            for reject in try SpoolCommand.reader(options).recentRejects(limit: limit) {
                let at = Date(timeIntervalSince1970: Double(reject.atMillis) / 1_000)
                print("\(at)  \(reject.reason.rawValue)  \(reject.topic)  \(reject.payloadBytes) bytes  \(reject.printablePrefix)")
            }
        }
    }
}

private struct StopIteration: Error {}
