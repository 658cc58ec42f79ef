#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The standard `process_*` metrics (as Prometheus' own client libraries export them) of this
/// process, read from `/proc` at each scrape: CPU time, memory, open and allowed file descriptors,
/// start time. A file descriptor leak or a growing heap shows here before the pod is killed.
///
/// Linux only: elsewhere `sample()` returns nil and nothing is written.
public struct ProcessMetrics: Sendable, Equatable {
    public var cpuSeconds: Double
    public var residentBytes: Double
    public var virtualBytes: Double
    public var startTimeSeconds: Double
    public var openFileDescriptors: Double
    public var maxFileDescriptors: Double

    /// The figures of this process now, or nil where `/proc` cannot be read.
    public static func sample() -> ProcessMetrics? {
        #if os(Linux)
        guard let stat = ProcFile.read("/proc/self/stat"), let bootTime = Self.bootTime else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        var limit = rlimit()
        let maxFiles = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 && limit.rlim_cur != rlim_t.max ? Double(limit.rlim_cur) : -1
        return parse(
            stat: stat, bootTime: bootTime, ticksPerSecond: ticks, pageSize: pageSize,
            openFileDescriptors: ProcFile.count("/proc/self/fd"), maxFileDescriptors: maxFiles)
        #else
        return nil
        #endif
    }

    /// When the machine booted (`btime` of `/proc/stat`), read once: it does not change, and the
    /// file grows with the machine's CPUs and interrupts (its `intr` line can pass 64 KiB).
    static let bootTime: Double? = ProcFile.read("/proc/stat", limit: 4 << 20).flatMap(bootTime(fromSystemStat:))

    /// `btime` of the text of `/proc/stat`.
    static func bootTime(fromSystemStat text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix("btime ") }.flatMap { Double($0.dropFirst(6)) }
    }

    /// The figures from the text of `/proc/self/stat` and the boot time (pure, for the tests).
    static func parse(
        stat: String, bootTime: Double, ticksPerSecond: Double, pageSize: Double,
        openFileDescriptors: Int?, maxFileDescriptors: Double
    ) -> ProcessMetrics? {
        // The command name (field 2) is in parentheses and may hold spaces and ')': the fields
        // after the last ')' start at field 3 (state).
        guard ticksPerSecond > 0, let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        func field(_ number: Int) -> Double? { fields.count > number - 3 ? Double(fields[number - 3]) : nil }
        guard let userTicks = field(14), let systemTicks = field(15), let startTicks = field(22),
              let virtualBytes = field(23), let residentPages = field(24)
        else { return nil }
        return ProcessMetrics(
            cpuSeconds: (userTicks + systemTicks) / ticksPerSecond, residentBytes: residentPages * pageSize,
            virtualBytes: virtualBytes, startTimeSeconds: bootTime + startTicks / ticksPerSecond,
            openFileDescriptors: Double(openFileDescriptors ?? -1), maxFileDescriptors: maxFileDescriptors)
    }

    /// The figures in the text format, each with its `# HELP` and `# TYPE`; a figure that could
    /// not be read (-1) is left out.
    public var exposition: String {
        var text = ""
        func add(_ name: String, _ type: String, _ help: String, _ value: Double) {
            guard value >= 0 else { return }
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(ExpositionNumber.text(value))\n"
        }
        add("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", cpuSeconds)
        add("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", residentBytes)
        add("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", virtualBytes)
        add("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", startTimeSeconds)
        add("process_open_fds", "gauge", "Number of open file descriptors.", openFileDescriptors)
        add("process_max_fds", "gauge", "Maximum number of open file descriptors.", maxFileDescriptors)
        return text
    }
}

/// Small reads of `/proc` files (a few hundred bytes each).
enum ProcFile {
    /// The file's text, at most `limit` bytes, or nil.
    static func read(_ path: String, limit: Int = 65_536) -> String? {
        #if os(Linux)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: limit)
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            filled += count
        }
        return String(decoding: bytes[..<filled], as: UTF8.self)
        #else
        return nil
        #endif
    }

    /// Entries in a folder (without `.` and `..`), or nil. Counting `/proc/self/fd` opens one
    /// descriptor of its own, which is left out.
    static func count(_ path: String) -> Int? {
        #if os(Linux)
        guard let folder = opendir(path) else { return nil }
        defer { closedir(folder) }
        var entries = 0
        while let entry = readdir(folder) {
            let isDot = withUnsafeBytes(of: entry.pointee.d_name) { name in
                name[0] == UInt8(ascii: ".") && (name[1] == 0 || (name[1] == UInt8(ascii: ".") && name[2] == 0))
            }
            if !isDot { entries += 1 }
        }
        return max(entries - 1, 0)
        #else
        return nil
        #endif
    }
}
