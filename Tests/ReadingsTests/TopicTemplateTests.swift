import Readings
import Testing

@Suite("TopicTemplate")
struct TopicTemplateTests {
    func match(_ template: TopicTemplate, _ topic: String) -> TopicMatch? {
        var topic = topic
        return topic.withUTF8 { template.match(UnsafeRawBufferPointer($0)) }
    }

    @Test("the default template subscribes to both topic forms with one filter")
    func defaultFilter() throws {
        let template = try TopicTemplate()
        #expect(template.template == "factory/{site}/{line}/{device}/{sensor}")
        #expect(template.subscriptionFilter == "factory/+/+/+/#")
        #expect(template.hasDeviceLevelForm)
        #expect(try TopicTemplate("{device}/{sensor}/raw", defaultSite: "s").subscriptionFilter == "+/+/raw")
    }

    @Test("matching returns the byte ranges of each field")
    func matchRanges() throws {
        let template = try TopicTemplate()
        let sensor = try #require(match(template, "factory/seoul/l1/press/temp"))
        #expect(sensor == TopicMatch(site: 8..<13, line: 14..<16, device: 17..<22, sensor: 23..<27))
        #expect(!sensor.isDeviceLevel)
        let device = try #require(match(template, "factory/seoul/l1/press"))
        #expect(device.isDeviceLevel && device.device == 17..<22)
    }

    @Test("wrong shapes do not match", arguments: [
        "", "factory", "factory/seoul/l1", "factory/seoul/l1/press/temp/x", "Factory/seoul/l1/press/temp",
        "factory/seoul//press/temp", "factory/seoul/l1/press/", "/factory/seoul/l1/press/temp", "factory/seoul/l1/press//",
    ])
    func mismatches(_ topic: String) throws {
        #expect(match(try TopicTemplate(), topic) == nil)
    }

    @Test("a topic that is not UTF-8 does not match")
    func invalidUTF8() throws {
        let template = try TopicTemplate()
        let bytes: [UInt8] = Array("factory/seoul/l1/".utf8) + [0xFF] + Array("/temp".utf8)
        #expect(bytes.withUnsafeBytes { template.match($0) } == nil)
    }

    @Test("a template without a trailing {sensor} has no device-level form")
    func sensorInTheMiddle() throws {
        let template = try TopicTemplate("{site}/{device}/{sensor}/data")
        #expect(!template.hasDeviceLevelForm)
        #expect(match(template, "s/d/t/data")?.sensor == 4..<5)
        #expect(match(template, "s/d/t") == nil)
        let noSensor = try TopicTemplate("{site}/{device}")
        #expect(match(noSensor, "s/d")?.isDeviceLevel == true)
        #expect(noSensor.subscriptionFilter == "+/+")
    }

    @Test("invalid templates say what is wrong and where", arguments: [
        ("factory/{site}/{zone}/{device}", TopicTemplateError.Code.unknownPlaceholder, 3),
        ("factory/{site}/dev-{device}", .placeholderNotWholeSegment, 3),
        ("factory/{device}/{device}", .duplicatePlaceholder, 3),
        ("factory/{site}/{sensor}", .missingDevice, nil),
        ("factory/+/{site}/{device}", .wildcardInLiteral, 2),
        ("factory/#/{site}/{device}", .wildcardInLiteral, 2),
        ("factory//{site}/{device}", .emptySegment, 2),
        ("factory/{line}/{device}", .missingDefaultSite, nil),
    ] as [(String, TopicTemplateError.Code, Int?)])
    func invalidTemplates(_ text: String, _ code: TopicTemplateError.Code, _ segment: Int?) {
        #expect {
            _ = try TopicTemplate(text)
        } throws: { error in
            guard let error = error as? TopicTemplateError else { return false }
            return error.code == code && error.segment?.index == segment && error.description.contains(text)
        }
    }

    @Test("the error description names the template, the problem and the segment")
    func errorDescription() {
        #expect(throws: TopicTemplateError.self) { try TopicTemplate("a/{zone}/{device}") }
        do {
            _ = try TopicTemplate("a/{zone}/{device}")
        } catch {
            #expect(error.description == #"topic template "a/{zone}/{device}": unknown placeholder in segment 2 "{zone}""#)
        }
    }
}
