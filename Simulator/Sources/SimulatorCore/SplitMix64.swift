/// A small counter-based random generator: seeded from a few keys (seed, device, sensor, seq,
/// purpose), so every draw is a pure function of those keys and never of call order.
struct SplitMix64 {
    private(set) var state: UInt64

    init(_ a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0, _ d: UInt64 = 0, _ e: UInt64 = 0) {
        // Fold each key through the finaliser so nearby keys give unrelated streams.
        var h = Self.mix(a &+ 0x9E37_79B9_7F4A_7C15)
        h = Self.mix(h ^ b &+ 0xD1B5_4A32_D192_ED03)
        h = Self.mix(h ^ c &+ 0x8CB9_2BA7_2F3D_8DD7)
        h = Self.mix(h ^ d &+ 0x5851_F42D_4C95_7F2D)
        h = Self.mix(h ^ e &+ 0x1405_7B7E_F767_814F)
        state = h
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in 0..<bound.
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// Standard normal (Box–Muller).
    mutating func gaussian() -> Double {
        let u1 = max(unit(), 0x1.0p-53)
        let u2 = unit()
        return (-2 * Math.log(u1)).squareRoot() * Math.cos(2 * .pi * u2)
    }
}

/// What a draw is for, so draws for different purposes never share a stream.
enum Purpose: UInt64 {
    case walkStart = 1, walkStep, sineNoise, sinePhase, fault, malformedKind, skewSign, randomHazard, clockOff
}

