/// The recent samples of one series over one duration, with everything the window functions
/// need kept up to date in O(1) amortized per sample.
///
/// - A ring of (time, value) samples; those `millis` or more older than the newest are evicted
///   on each push, so the window is the half-open interval (newest − d, newest].
/// - Running sums of `value − shift` and its square for avg/stddev, with `shift` a recent sample
///   to avoid cancellation; recomputed exactly from the ring after as many evictions as there
///   are samples (amortized O(1)), so rounding errors cannot build up.
/// - Monotonic deques of sample numbers for min and max, only when a rule uses them.
///
/// At most `limit` samples are kept: at a higher rate than `limit / d` the oldest are dropped
/// early, and the window covers only the newest `limit` samples. Samples are assumed to arrive
/// in time order; an older timestamp is treated as the newest seen so far.
///
/// The memory is freed by ``deallocate()``, called by the engine that owns the buffer.
struct WindowBuffer: BitwiseCopyable {
    let millis: Int64
    let limit: Int
    let keepsExtremes: Bool

    /// Time and value side by side: the push and the eviction each touch one cache line.
    struct Sample: BitwiseCopyable {
        var time: Int64
        var value: Double
    }

    private var samples: UnsafeMutablePointer<Sample>
    /// Sample numbers, ascending, whose values increase (mins) or decrease (maxs) strictly.
    private var mins: UnsafeMutablePointer<Int>?
    private var maxs: UnsafeMutablePointer<Int>?
    /// Capacity − 1; the capacity is a power of two and every position is a counter `& mask`.
    private var mask: Int
    private var head = 0, tail = 0
    private var minHead = 0, minTail = 0, maxHead = 0, maxTail = 0
    private var shift = 0.0, sum = 0.0, sumSquares = 0.0
    private var removedSinceExact = 0
    private var newestTime = Int64.min

    init(millis: Int64, limit: Int, keepsExtremes: Bool) {
        self.millis = millis
        self.limit = Swift.max(limit, 2)
        self.keepsExtremes = keepsExtremes
        let capacity = 8
        mask = capacity - 1
        samples = .allocate(capacity: capacity)
        if keepsExtremes {
            mins = .allocate(capacity: capacity)
            maxs = .allocate(capacity: capacity)
        }
    }

    func deallocate() {
        samples.deallocate()
        mins?.deallocate()
        maxs?.deallocate()
    }

    var count: Int { tail - head }

    /// Adds a sample at `time`, first evicting those that fall out of the window.
    mutating func push(_ time: Int64, _ value: Double) {
        let time = Swift.max(time, newestTime)
        newestTime = time
        let cutoff = time - millis
        while head < tail, samples[head & mask].time <= cutoff { removeOldest() }
        if count == limit { removeOldest() }
        if head == tail {
            // Empty: restart the sums exactly around the new sample.
            shift = value
            sum = 0
            sumSquares = 0
            removedSinceExact = 0
        } else if removedSinceExact >= count {
            recomputeSums()
        }
        if count == mask + 1 { grow() }
        samples[tail & mask] = Sample(time: time, value: value)
        let d = value - shift
        sum += d
        sumSquares += d * d
        if let mins, let maxs {
            while minTail > minHead, samples[mins[(minTail - 1) & mask] & mask].value >= value { minTail -= 1 }
            mins[minTail & mask] = tail
            minTail += 1
            while maxTail > maxHead, samples[maxs[(maxTail - 1) & mask] & mask].value <= value { maxTail -= 1 }
            maxs[maxTail & mask] = tail
            maxTail += 1
        }
        tail += 1
    }

    private mutating func removeOldest() {
        let d = samples[head & mask].value - shift
        sum -= d
        sumSquares -= d * d
        if let mins, let maxs {
            if mins[minHead & mask] == head { minHead += 1 }
            if maxs[maxHead & mask] == head { maxHead += 1 }
        }
        head += 1
        removedSinceExact += 1
    }

    private mutating func recomputeSums() {
        shift = samples[head & mask].value
        sum = 0
        sumSquares = 0
        for n in head..<tail {
            let d = samples[n & mask].value - shift
            sum += d
            sumSquares += d * d
        }
        removedSinceExact = 0
    }

    /// Doubles the capacity, keeping every sample (and deque entry) at its counter position.
    private mutating func grow() {
        let newCapacity = (mask + 1) * 2
        let newMask = newCapacity - 1
        let newSamples = UnsafeMutablePointer<Sample>.allocate(capacity: newCapacity)
        for n in head..<tail { newSamples[n & newMask] = samples[n & mask] }
        samples.deallocate()
        samples = newSamples
        if let oldMins = mins, let oldMaxs = maxs {
            let newMins = UnsafeMutablePointer<Int>.allocate(capacity: newCapacity)
            let newMaxs = UnsafeMutablePointer<Int>.allocate(capacity: newCapacity)
            for n in minHead..<minTail { newMins[n & newMask] = oldMins[n & mask] }
            for n in maxHead..<maxTail { newMaxs[n & newMask] = oldMaxs[n & mask] }
            oldMins.deallocate()
            oldMaxs.deallocate()
            mins = newMins
            maxs = newMaxs
        }
        mask = newMask
    }

    /// The value of `function` over the samples in the buffer.
    func compute(_ function: WindowFunction) -> Double {
        let n = tail - head
        if n == 0 { return function == .count ? 0 : .nan }
        switch function {
        case .count:
            return Double(n)
        case .avg:
            return shift + sum / Double(n)
        case .stddev:
            let mean = sum / Double(n)
            return Swift.max(0, sumSquares / Double(n) - mean * mean).squareRoot()
        case .delta:
            return samples[(tail - 1) & mask].value - samples[head & mask].value
        case .rate:
            let seconds = Double(samples[(tail - 1) & mask].time - samples[head & mask].time) / 1_000
            guard seconds > 0 else { return .nan }
            return (samples[(tail - 1) & mask].value - samples[head & mask].value) / seconds
        case .min:
            guard let mins else { return .nan }
            return samples[mins[minHead & mask] & mask].value
        case .max:
            guard let maxs else { return .nan }
            return samples[maxs[maxHead & mask] & mask].value
        }
    }
}
