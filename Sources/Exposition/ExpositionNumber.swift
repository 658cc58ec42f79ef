/// Numbers as the Prometheus text format writes them.
enum ExpositionNumber {
    /// Whole numbers without a fraction (`12`, not `12.0`), others as Swift prints them;
    /// `NaN`, `+Inf` and `-Inf` as the format names them.
    static func text(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
