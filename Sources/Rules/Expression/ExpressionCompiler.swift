/// Turns ``Syntax`` into ``CompiledExpression`` code (post-order, so operands come first).
enum ExpressionCompiler {
    static func compile(_ syntax: Syntax, symbols: inout RuleSymbols) -> CompiledExpression {
        var code: [Instruction] = []
        var depth = 0, maxDepth = 0
        func emit(_ instruction: Instruction, pops: Int, pushes: Int) {
            code.append(instruction)
            depth += pushes - pops
            maxDepth = max(maxDepth, depth)
        }
        func walk(_ node: Syntax) {
            switch node.kind {
            case .number(let number):
                emit(Instruction(opcode: .constant, constant: number), pops: 0, pushes: 1)
            case .value:
                symbols.usesValue = true
                emit(Instruction(opcode: .value), pops: 0, pushes: 1)
            case .sensor(let name):
                emit(Instruction(opcode: .sensor, index: symbols.sensorSlot(name)), pops: 0, pushes: 1)
            case .window(let function, let millis):
                emit(Instruction(opcode: .window, function: function, index: symbols.windowSlot(millis, function)), pops: 0, pushes: 1)
            case .absent(let millis):
                if !symbols.absentMillis.contains(millis) {
                    symbols.absentMillis.append(millis)
                    symbols.absentMillis.sort()
                }
                emit(Instruction(opcode: .absent, constant: Double(millis)), pops: 0, pushes: 1)
            case .negate(let operand):
                walk(operand)
                emit(Instruction(opcode: .negate), pops: 1, pushes: 1)
            case .not(let operand):
                walk(operand)
                emit(Instruction(opcode: .not), pops: 1, pushes: 1)
            case .arithmetic(let op, let left, let right):
                walk(left)
                walk(right)
                let opcode: Instruction.Opcode = switch op {
                case .add: .add
                case .subtract: .subtract
                case .multiply: .multiply
                case .divide: .divide
                }
                emit(Instruction(opcode: opcode), pops: 2, pushes: 1)
            case .comparison(let op, let left, let right):
                walk(left)
                walk(right)
                let opcode: Instruction.Opcode = switch op {
                case .greater: .greater
                case .greaterOrEqual: .greaterOrEqual
                case .less: .less
                case .lessOrEqual: .lessOrEqual
                case .equal: .equal
                case .notEqual: .notEqual
                }
                emit(Instruction(opcode: opcode), pops: 2, pushes: 1)
            case .logical(let op, let left, let right):
                walk(left)
                walk(right)
                emit(Instruction(opcode: op == .and ? .and : .or), pops: 2, pushes: 1)
            }
        }
        walk(syntax)
        return CompiledExpression(code: code, maxStack: maxDepth)
    }
}
