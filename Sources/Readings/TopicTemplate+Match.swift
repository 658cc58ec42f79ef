extension TopicTemplate {
    /// Matches a received topic without allocating.
    ///
    /// - Returns: the byte ranges of the fields, or `nil` (reject as `topic_shape`) when the
    ///   segment count is wrong, a literal differs, a segment is empty, or the topic is not UTF-8.
    public func match(_ topic: UnsafeRawBufferPointer) -> TopicMatch? {
        guard UTF8Check.isValid(topic) else { return nil }
        var site: Range<Int>?
        var line: Range<Int>?
        var device: Range<Int>?
        var sensor: Range<Int>?
        var start = 0
        let end = topic.count
        for (index, segment) in segments.enumerated() {
            if start > end {
                // The topic ran out of segments: only the device-level form may stop here.
                guard index == segments.count - 1, segment == .sensor else { return nil }
                break
            }
            var stop = start
            while stop < end && topic[stop] != UInt8(ascii: "/") { stop += 1 }
            guard stop > start else { return nil }
            let range = start..<stop
            switch segment {
            case .literal(let bytes):
                guard bytes.count == range.count else { return nil }
                for (offset, byte) in bytes.enumerated() where topic[start + offset] != byte { return nil }
            case .site: site = range
            case .line: line = range
            case .device: device = range
            case .sensor: sensor = range
            }
            start = stop + 1
        }
        // `start == end + 1` means the last segment ended at the end of the topic.
        guard start == end + 1, let device else { return nil }
        return TopicMatch(site: site, line: line, device: device, sensor: sensor)
    }
}
