import Testing

@testable import TOML

/// The toml-test JSON that the toml-decoder executable prints.
@Suite struct TaggedJSONTests {
    @Test func scalarsAreTaggedWithTheirType() {
        let json = TOMLTaggedJSON.encode(decode("""
            s = "a\\"b\\\\c\\n\\u0001é"
            i = -5
            f = 1.5
            b = true
            odt = 1979-05-27 07:32:00.25-07:00
            ldt = 1979-05-27t07:32:00
            ld = 1979-05-27
            lt = 07:32:00.000
            """))
        #expect(json == #"{"s":{"type":"string","value":"a\"b\\c\n\u0001é"},"i":{"type":"integer","value":"-5"},"#
            + #""f":{"type":"float","value":"1.5"},"b":{"type":"bool","value":"true"},"#
            + #""odt":{"type":"datetime","value":"1979-05-27T07:32:00.25-07:00"},"#
            + #""ldt":{"type":"datetime-local","value":"1979-05-27T07:32:00"},"#
            + #""ld":{"type":"date-local","value":"1979-05-27"},"lt":{"type":"time-local","value":"07:32:00.000"}}"#)
    }

    @Test func specialFloatsAreSpelledAsTOMLTestExpects() {
        let json = TOMLTaggedJSON.encode(decode("a = inf\nb = -inf\nc = -nan\nd = 1e300\ne = -0.0"))
        #expect(json == #"{"a":{"type":"float","value":"inf"},"b":{"type":"float","value":"-inf"},"#
            + #""c":{"type":"float","value":"nan"},"d":{"type":"float","value":"1e+300"},"#
            + #""e":{"type":"float","value":"-0.0"}}"#)
    }

    @Test func arraysAndTablesAreJSONArraysAndObjects() {
        let json = TOMLTaggedJSON.encode(decode("a = [1, [2]]\n[[t]]\n[[t]]\nk = {}"))
        #expect(json == #"{"a":[{"type":"integer","value":"1"},[{"type":"integer","value":"2"}]],"t":[{},{"k":{}}]}"#)
    }
}
