import BuildInfo

/// What a `/metrics` answer holds besides the registry's own text: `# HELP` lines for every
/// metric, `haetae_build_info` (which build answers) and the `process_*` metrics.
public struct MetricsExposition: Sendable {
    /// The help catalogue applied to the registry's text.
    public let help: MetricHelp
    /// The `haetae_build_info` family, fixed for the life of the process.
    public let buildInfo: String

    /// - Parameters:
    ///   - program: `haetae-edge` or `haetae-core`, the `program` label of `haetae_build_info`.
    ///   - help: the help of every metric the program's registry holds.
    public init(program: String, help: MetricHelp) {
        self.help = help
        self.buildInfo = """
            # HELP haetae_build_info The build of this program (always 1): its release and git revision.
            # TYPE haetae_build_info gauge
            haetae_build_info{program="\(program)",version="\(HaetaeVersion.number)",revision="\(HaetaeVersion.revision)"} 1

            """
    }

    /// The full answer for a scrape: the registry's text annotated, then the build and process
    /// metrics. Reads a few small `/proc` files.
    public func render(registry exposition: [UInt8]) -> [UInt8] {
        var output = help.annotate(exposition)
        if let last = output.last, last != UInt8(ascii: "\n") { output.append(UInt8(ascii: "\n")) }
        output += Array(buildInfo.utf8)
        if let process = ProcessMetrics.sample() { output += Array(process.exposition.utf8) }
        return output
    }
}
