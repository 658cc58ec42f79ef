import Testing
@testable import Rules

@Suite("Expressions: precedence, named sensors and NaN")
struct ExpressionTests {
    @Test("multiplication binds tighter than addition, and parentheses override it")
    func arithmeticPrecedence() throws {
        #expect(try holds("1 + 2 * 3 == 7"))
        #expect(try holds("(1 + 2) * 3 == 9"))
        #expect(try holds("10 - 4 - 3 == 3"), "subtraction is left-associative")
        #expect(try holds("12 / 3 / 2 == 2"), "division is left-associative")
        #expect(try holds("-2 * -3 == 6"))
        #expect(try holds("-(value + 1) == -5", value: 4))
        #expect(try holds("1.5e2 == 150"))
    }

    @Test("and binds tighter than or, not tighter than and")
    func logicalPrecedence() throws {
        #expect(try holds("1 > 0 or 1 > 2 and 1 > 3"), "reads as 1>0 or (1>2 and 1>3)")
        #expect(try !holds("(1 > 0 or 1 > 2) and 1 > 3"))
        #expect(try holds("not 1 > 2 and 2 > 1"), "reads as (not 1>2) and 2>1")
        #expect(try !holds("not (1 < 2 and 2 > 1)"))
        #expect(try holds("not not 3 > 2"))
    }

    @Test("every comparison operator compares as written")
    func comparisons() throws {
        #expect(try holds("value > 2", value: 3))
        #expect(try !holds("value > 3", value: 3))
        #expect(try holds("value >= 3", value: 3))
        #expect(try holds("value < 3.5", value: 3))
        #expect(try holds("value <= 3", value: 3))
        #expect(try holds("value == 3", value: 3))
        #expect(try holds("value != 4", value: 3))
    }

    @Test("bare names read the latest value of that sensor on the device")
    func namedSensors() throws {
        let sensors = ["temperature": 65.0, "smoke": 0.09]
        #expect(try holds("temperature > 60 and smoke > 0.08", sensors: sensors))
        #expect(try !holds("temperature > 60 and smoke > 0.1", sensors: sensors))
        #expect(try holds("temperature - value * 2 == 5", value: 30, sensors: sensors))
    }

    @Test("an unknown sensor is NaN, which makes every comparison false, even !=")
    func nanComparisonsAreFalse() throws {
        for op in [">", ">=", "<", "<=", "==", "!="] {
            #expect(try !holds("humidity \(op) 1"), "humidity \(op) 1")
            #expect(try !holds("1 \(op) humidity + 1"), "1 \(op) humidity + 1")
        }
        #expect(try holds("not humidity > 1"), "not of a false comparison is true")
        #expect(try holds("humidity > 1 or value > 0", value: 1))
    }

    @Test("division by zero gives infinity or NaN, never a crash")
    func divisionByZero() throws {
        #expect(try holds("value / 0 > 1000", value: 1))
        #expect(try !holds("value / 0 > 0", value: 0), "0/0 is NaN")
    }

    @Test("a named-sensor-only condition makes a device-scoped rule; value, windows or absent make it per series")
    func alertScope() throws {
        let rules = try ruleSet("""
            rules:
              - {name: device, when: "temperature > 60 and smoke > 0.08"}
              - {name: value, when: "value > 1 and smoke > 0"}
              - {name: window, when: "avg(5s) > 1"}
              - {name: absent, when: "absent(5s)"}
            """)
        #expect(rules.rules.map(\.isDeviceScoped) == [true, false, false, false])
    }

    @Test("compiled code is a flat post-order program with the stack depth it needs")
    func compiledShape() throws {
        var symbols = RuleSymbols()
        let compiled = ExpressionCompiler.compile(try ExpressionParser.parse("value > 1 + 2 * avg(5s)"), symbols: &symbols)
        #expect(compiled.code.map(\.opcode) == [.value, .constant, .constant, .window, .multiply, .add, .greater])
        #expect(compiled.maxStack == 4)
        #expect(symbols.windowMillis == [5_000])
        #expect(symbols.usesValue)
    }

    @Test("window durations are shared per rule between when and clear")
    func sharedWindowSlots() throws {
        let rules = try ruleSet("""
            rules:
              - {name: a, when: "avg(5s) > 3 and max(10s) > 4", clear: "avg(5s) < 2"}
            """)
        #expect(rules.rules[0].symbols.windowMillis == [5_000, 10_000])
        #expect(rules.rules[0].symbols.windowNeedsExtremes == [false, true])
    }

    @Test("expressions from a hostile or broken rule file are bounded before anything recurses: deep nesting and huge sums are errors, not a stack overflow", arguments: [
        (String(repeating: "(", count: 100_000) + "value > 1" + String(repeating: ")", count: 100_000), "expression too long"),
        (String(repeating: "(", count: 200) + "value > 1" + String(repeating: ")", count: 200), "nested too deeply"),
        (String(repeating: "not ", count: 100_000) + "value > 1", "expression too long"),
        (String(repeating: "not ", count: 40) + "value > 1", "nested too deeply"),
        ("value > " + String(repeating: "- ", count: 40) + "1", "nested too deeply"),
        ("avg(" + String(repeating: "(", count: 40) + "1" + String(repeating: ")", count: 40) + ") > 1", "nested too deeply"),
        ("value > " + Array(repeating: "1", count: 100_000).joined(separator: " + "), "expression too long"),
    ])
    func boundedExpressions(_ text: String, _ message: String) {
        #expect {
            _ = try ExpressionParser.parse(text)
        } throws: { error in
            (error as? ExpressionError)?.message.contains(message) == true
        }
    }

    @Test("the bounds leave room for real rules: 32 levels and 512 tokens parse")
    func boundsLeaveRoom() throws {
        _ = try ExpressionParser.parse(String(repeating: "(", count: 31) + "value > 1" + String(repeating: ")", count: 31))
        _ = try ExpressionParser.parse("value > " + Array(repeating: "1", count: 252).joined(separator: " + "))
    }
}
