/// Runs compiled expression code for one binding of a rule to a series.
///
/// Everything it reads is reached through pointers prepared by the engine, so a run does no
/// allocation, no reference counting and no dictionary or string work.
struct Interpreter {
    /// The current reading (or, on an `absent` timer, the last one).
    var value: Double
    var now: Int64
    /// When the series last had a reading.
    var lastSeen: Int64
    /// The device's latest value per global sensor slot.
    var latest: UnsafeMutablePointer<Double>
    var buffers: UnsafeMutablePointer<WindowBuffer>
    /// The binding's window slots → buffer indexes.
    var windowMap: UnsafeMutablePointer<Int32>
    /// Scratch space at least as deep as the deepest program.
    var stack: UnsafeMutablePointer<Double>

    /// Whether the condition holds. NaN operands make comparisons false (also `!=`).
    @inline(__always)
    func run(_ code: UnsafeMutablePointer<Instruction>, count: Int) -> Bool {
        var sp = 0
        for pc in 0..<count {
            let instruction = code[pc]
            switch instruction.opcode {
            case .constant:
                stack[sp] = instruction.constant
                sp += 1
            case .value:
                stack[sp] = value
                sp += 1
            case .sensor:
                stack[sp] = latest[Int(instruction.index)]
                sp += 1
            case .window:
                stack[sp] = buffers[Int(windowMap[Int(instruction.index)])].compute(instruction.function)
                sp += 1
            case .absent:
                stack[sp] = Double(now &- lastSeen) >= instruction.constant ? 1 : 0
                sp += 1
            case .negate:
                stack[sp - 1] = -stack[sp - 1]
            case .not:
                stack[sp - 1] = stack[sp - 1] == 0 ? 1 : 0
            default:
                sp -= 1
                let a = stack[sp - 1], b = stack[sp]
                stack[sp - 1] = Self.binary(instruction.opcode, a, b)
            }
        }
        return stack[0] != 0
    }

    @inline(__always)
    private static func binary(_ opcode: Instruction.Opcode, _ a: Double, _ b: Double) -> Double {
        switch opcode {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        case .divide: a / b
        case .greater: a > b ? 1 : 0
        case .greaterOrEqual: a >= b ? 1 : 0
        case .less: a < b ? 1 : 0
        case .lessOrEqual: a <= b ? 1 : 0
        case .equal: a == b ? 1 : 0
        // IEEE says NaN != x is true; a rule reading an unknown sensor must not fire.
        case .notEqual: a != b && !a.isNaN && !b.isNaN ? 1 : 0
        case .and: a != 0 && b != 0 ? 1 : 0
        case .or: a != 0 || b != 0 ? 1 : 0
        default: .nan
        }
    }
}
