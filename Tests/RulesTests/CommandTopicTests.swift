@testable import Rules
import Testing

@Suite("Command topics")
struct CommandTopicTests {
    @Test("a value put into a topic must be one topic level: / + # NUL and empty are refused, naming the placeholder")
    func topicLevels() throws {
        let template = Template.parse("factory/{site}/{line}/{device}/cmd").0
        func render(device: String) -> Result<String, Template.TopicLevelError> {
            template.renderTopic { $0 == .device ? device : "x" }
        }
        #expect(try render(device: "press-07").get() == "factory/x/x/press-07/cmd")
        #expect(try render(device: "프레스 7").get() == "factory/x/x/프레스 7/cmd")
        for bad in ["a/b", "+", "#", "a\u{0}b", ""] {
            guard case .failure(let error) = render(device: bad) else { Issue.record("accepted \(bad.debugDescription)"); continue }
            #expect(error.message.hasPrefix("{device} is"), "\(error)")
        }
    }

    @Test("a rule whose name would split the command topic fires its alert but marks the command unpublishable")
    func unpublishableAction() throws {
        let harness = try EngineHarness("""
            rules:
              - name: "hot/cold"
                match: {sensor: t}
                when: value > 10
                actions:
                  - mqtt: {topic: "factory/{site}/{rule}/cmd", payload: '{"rule":"{rule}"}'}
                  - mqtt: {topic: "factory/{site}/{device}/cmd", payload: '{"rule":"{rule}"}'}
            """)
        harness.add("d1", "t")
        let events = harness.read("d1/t", 20, at: 1)
        #expect(events.count == 1 && events[0].kind == .firing)
        #expect(events[0].actions == [
            .unpublishable(topic: "factory/{site}/{rule}/cmd", reason: #"{rule} is "hot/cold", which holds '/': not one topic level"#),
            .mqtt(topic: "factory/s1/d1/cmd", payload: #"{"rule":"hot/cold"}"#, qos: 0, loop: RenderedCommandLoop()),
        ])
    }
}
