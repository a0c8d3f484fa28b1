/// toml-test's decoder output: every scalar as `{"type": "...", "value": "..."}`, arrays as JSON arrays,
/// tables as JSON objects.
public enum TOMLTaggedJSON {
    /// The document as one JSON object, keys in document order, on one line.
    public static func encode(_ table: TOMLTable) -> String {
        var output = ""
        write(.table(table), to: &output)
        return output
    }

    private static func write(_ value: TOMLValue, to output: inout String) {
        switch value {
        case .table(let table):
            output += "{"
            for (offset, key) in table.keys.enumerated() {
                guard let element = table[key] else { continue }
                if offset > 0 { output += "," }
                writeString(key, to: &output)
                output += ":"
                write(element, to: &output)
            }
            output += "}"
        case .array(let elements):
            output += "["
            for (offset, element) in elements.enumerated() {
                if offset > 0 { output += "," }
                write(element, to: &output)
            }
            output += "]"
        case .string(let text): tagged("string", text, to: &output)
        case .integer(let number): tagged("integer", String(number), to: &output)
        case .float(let number): tagged("float", floatText(number), to: &output)
        case .boolean(let flag): tagged("bool", flag ? "true" : "false", to: &output)
        case .offsetDateTime(let dateTime): tagged("datetime", dateTime.description, to: &output)
        case .localDateTime(let dateTime): tagged("datetime-local", dateTime.description, to: &output)
        case .localDate(let date): tagged("date-local", date.description, to: &output)
        case .localTime(let time): tagged("time-local", time.description, to: &output)
        }
    }

    /// "inf", "-inf", "nan", or the shortest decimal that reads back as the same double.
    private static func floatText(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        return number.description
    }

    private static func tagged(_ type: String, _ value: String, to output: inout String) {
        output += "{\"type\":\"\(type)\",\"value\":"
        writeString(value, to: &output)
        output += "}"
    }

    private static func writeString(_ text: String, to output: inout String) {
        output += "\""
        defer { output += "\"" }
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            output += text
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    output += "\\u" + hex(scalar.value)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
    }
}
