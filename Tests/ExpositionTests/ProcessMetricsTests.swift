import BuildInfo
import Testing

@testable import Exposition

@Suite struct ProcessMetricsTests {
    // A real /proc/self/stat line, with a command name holding a space and a ')'.
    let stat = "4242 (haetae edge) x) S 1 4242 4242 0 -1 4194560 1200 0 0 0 250 50 0 0 20 0 9 0 1000 104857600 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0"
    let system = "cpu  1 2 3\nbtime 1700000000\nprocesses 10\n"

    @Test func readsCPUMemoryAndStartTimeFromProcText() throws {
        let metrics = try #require(ProcessMetrics.parse(
            stat: stat, bootTime: 1_700_000_000, ticksPerSecond: 100, pageSize: 4096, openFileDescriptors: 12, maxFileDescriptors: 1024))
        #expect(metrics.cpuSeconds == 3)  // (250 + 50) ticks at 100 per second
        #expect(metrics.startTimeSeconds == 1_700_000_010)  // boot + 1000 ticks
        #expect(metrics.virtualBytes == 104_857_600)
        #expect(metrics.residentBytes == 2560 * 4096)
        #expect(metrics.openFileDescriptors == 12)
        #expect(metrics.maxFileDescriptors == 1024)
    }

    @Test func refusesTruncatedOrForeignText() {
        #expect(ProcessMetrics.parse(stat: "4242 (x) S 1 2", bootTime: 1, ticksPerSecond: 100, pageSize: 4096, openFileDescriptors: 1, maxFileDescriptors: 1) == nil)
        #expect(ProcessMetrics.parse(stat: "no parenthesis", bootTime: 1, ticksPerSecond: 100, pageSize: 4096, openFileDescriptors: 1, maxFileDescriptors: 1) == nil)
        #expect(ProcessMetrics.bootTime(fromSystemStat: "cpu 1\n") == nil)
        #expect(ProcessMetrics.bootTime(fromSystemStat: system) == 1_700_000_000)
        // A large machine's /proc/stat: btime after an interrupt line of 200 KB.
        #expect(ProcessMetrics.bootTime(fromSystemStat: "cpu 1\nintr " + String(repeating: "0 ", count: 100_000) + "\nbtime 42\n") == 42)
        #expect(ProcessMetrics.parse(stat: stat, bootTime: 1_700_000_000, ticksPerSecond: 0, pageSize: 4096, openFileDescriptors: 1, maxFileDescriptors: 1) == nil)
    }

    @Test func writesTheStandardFamiliesAndLeavesOutWhatCouldNotBeRead() throws {
        let metrics = try #require(ProcessMetrics.parse(
            stat: stat, bootTime: 1_700_000_000, ticksPerSecond: 100, pageSize: 4096, openFileDescriptors: nil, maxFileDescriptors: -1))
        let text = metrics.exposition
        #expect(text.contains("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 3\n"))
        #expect(text.contains("process_start_time_seconds 1700000010\n"))
        #expect(text.contains("# HELP process_resident_memory_bytes "))
        #expect(!text.contains("process_open_fds"))
        #expect(!text.contains("process_max_fds"))
    }

    @Test func thisProcessHasFiguresOnLinux() throws {
        #if os(Linux)
        let metrics = try #require(ProcessMetrics.sample())
        #expect(metrics.residentBytes > 1_000_000)
        #expect(metrics.openFileDescriptors >= 3)
        #expect(metrics.cpuSeconds >= 0)
        #expect(metrics.startTimeSeconds > 1_600_000_000)
        #endif
    }

    @Test func scrapeAnswerCarriesHelpBuildInfoAndProcessFigures() {
        let exposition = MetricsExposition(program: "haetae-edge", help: MetricHelp(["x_total": "Xs."]))
        let text = String(decoding: exposition.render(registry: Array("# TYPE x_total counter\nx_total 1".utf8)), as: UTF8.self)
        #expect(text.hasPrefix("# HELP x_total Xs.\n# TYPE x_total counter\nx_total 1\n# HELP haetae_build_info "))
        #expect(text.contains("haetae_build_info{program=\"haetae-edge\",version=\"\(HaetaeVersion.number)\",revision=\"\(HaetaeVersion.revision)\"} 1\n"))
        #if os(Linux)
        #expect(text.contains("\nprocess_resident_memory_bytes "))
        #endif
    }

    @Test func versionNamesTheReleaseAndAHexRevision() {
        #expect(HaetaeVersion.current == "\(HaetaeVersion.number) (\(HaetaeVersion.revision))")
        #expect(HaetaeVersion.revision == "unknown" || (HaetaeVersion.revision.count == 12 && HaetaeVersion.revision.allSatisfy(\.isHexDigit)))
    }

    @Test func numbersAreWrittenAsTheFormatNamesThem() {
        #expect(ExpositionNumber.text(3) == "3")
        #expect(ExpositionNumber.text(0.25) == "0.25")
        #expect(ExpositionNumber.text(.infinity) == "+Inf")
        #expect(ExpositionNumber.text(-.infinity) == "-Inf")
        #expect(ExpositionNumber.text(.nan) == "NaN")
        #expect(ExpositionNumber.text(1e20) == "1e+20")
    }
}
