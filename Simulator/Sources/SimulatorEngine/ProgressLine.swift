import Foundation

/// The live progress line on stderr: a bar redrawn in place on a terminal, plain lines
/// (one a second) when stderr is a file or pipe, so logs stay readable.
public struct ProgressLine: Sendable {
    public let isTerminal: Bool
    /// Planned readings (for the bar) or nil when only a duration bounds the run.
    public let plannedReadings: Int64?
    public let plannedDuration: Duration

    /// - Parameter isTerminal: nil = look at stderr.
    public init(plannedReadings: Int64?, plannedDuration: Duration, isTerminal: Bool? = nil) {
        self.plannedReadings = plannedReadings
        self.plannedDuration = plannedDuration
        self.isTerminal = isTerminal ?? (isatty(STDERR_FILENO) == 1)
    }

    /// The text for one update (without line ending).
    public func text(_ tally: ConnectionTally, elapsed: Duration) -> String {
        let seconds = max(0.001, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        let rate = Double(tally.readings) / seconds
        let total = Double(plannedDuration.components.seconds) + Double(plannedDuration.components.attoseconds) * 1e-18
        let fraction = min(1, max(
            plannedReadings.map { Double(tally.readings) / Double(max(1, $0)) } ?? 0,
            total > 0 ? seconds / total : 0))
        let numbers = "sent \(tally.readings) readings (\(tally.messages) msgs)  \(Int(rate))/s  errors \(tally.errors)  \(String(format: "%.1f", seconds))s"
        guard isTerminal else { return numbers }
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] " + numbers
    }

    /// Writes one update to stderr.
    public func draw(_ tally: ConnectionTally, elapsed: Duration) {
        let line = text(tally, elapsed: elapsed)
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[2K" + line : line + "\n").utf8))
    }

    /// Ends the line on a terminal.
    public func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
