import Testing

@testable import Exposition

@Suite struct MetricHelpTests {
    let help = MetricHelp(["a_total": "Things counted.", "b": "Line one\nback\\slash"])

    @Test func addsHelpBeforeEachTypedMetricThatHasOne() {
        let text = "# TYPE a_total counter\na_total 3\n# TYPE b gauge\nb 1\n# TYPE c gauge\nc 2\n"
        let annotated = String(decoding: help.annotate(Array(text.utf8)), as: UTF8.self)
        #expect(annotated == """
            # HELP a_total Things counted.
            # TYPE a_total counter
            a_total 3
            # HELP b Line one\\nback\\\\slash
            # TYPE b gauge
            b 1
            # TYPE c gauge
            c 2

            """)
    }

    @Test func keepsHelpTheRegistryAlreadyWrote() {
        let text = "# HELP a_total Own words.\n# TYPE a_total counter\na_total 3\n"
        #expect(String(decoding: help.annotate(Array(text.utf8)), as: UTF8.self) == text)
    }

    @Test func keepsTextWithoutFinalNewlineAndEmptyTextAsTheyAre() {
        #expect(help.annotate([]) == [])
        let text = "# TYPE c gauge\nc 2"
        #expect(String(decoding: help.annotate(Array(text.utf8)), as: UTF8.self) == text)
    }

    @Test func laterCatalogueWinsOnTheSameName() {
        let merged = help.merging(MetricHelp(["a_total": "Other.", "d": "New."]))
        #expect(merged.texts["a_total"] == "Other.")
        #expect(merged.texts["d"] == "New.")
        #expect(merged.texts["b"] != nil)
    }

    @Test func typeLinesWithoutAKindAreLeftAlone() {
        let text = "# TYPE broken\n"
        #expect(String(decoding: MetricHelp(["broken": "x"]).annotate(Array(text.utf8)), as: UTF8.self) == text)
    }
}
