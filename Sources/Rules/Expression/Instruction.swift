/// One step of the stack machine that evaluates a compiled expression over `Double`s.
///
/// Conditions are 1 (true) and 0 (false). 16 bytes, trivially copyable, so a program is a flat
/// buffer the engine walks without reference counting.
struct Instruction: Sendable, Equatable, BitwiseCopyable {
    enum Opcode: UInt8, Sendable, BitwiseCopyable {
        /// Push `constant`.
        case constant
        /// Push the current reading.
        case value
        /// Push the latest value of sensor slot `index` on the same device (NaN if never seen).
        case sensor
        /// Push `function` over window slot `index`.
        case window
        /// Push whether no reading came for `constant` milliseconds.
        case absent
        case negate, add, subtract, multiply, divide
        case greater, greaterOrEqual, less, lessOrEqual, equal, notEqual
        case and, or, not
    }

    var opcode: Opcode
    var function: WindowFunction = .avg
    var index: Int32 = 0
    var constant: Double = 0
}
