/// Text made safe for an XML 1.0 document.
enum XMLText {
    /// Element content: `&`, `<`, `>` escaped, carriage returns kept as `&#13;` (a parser would turn them
    /// into line feeds), terminal colours and the characters XML 1.0 forbids removed.
    static func content(_ text: String) -> String {
        escape(text, inAttribute: false)
    }

    /// An attribute value in double quotes: also `"` and `'` escaped, and tabs and line breaks as
    /// character references, which attribute-value normalisation would otherwise turn into spaces.
    static func attribute(_ text: String) -> String {
        escape(text, inAttribute: true)
    }

    /// XML 1.0's `Char`: tab, line feed, carriage return, and U+0020 on but for U+FFFE and U+FFFF
    /// (surrogates cannot occur in a Swift string).
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: return true
        case 0x20...0xFFFD: return true
        case 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    private static func escape(_ text: String, inAttribute: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in ReportText.strippingANSI(text).unicodeScalars where isAllowed(scalar) {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\r": result += "&#13;"
            case "\"" where inAttribute: result += "&quot;"
            case "'" where inAttribute: result += "&apos;"
            case "\n" where inAttribute: result += "&#10;"
            case "\t" where inAttribute: result += "&#9;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
