/// Integers and floats, from the token the parser cut out of the document (ASCII letters, digits, `_ + - . :`).
enum NumberLiteral {
    /// Parses `text`, reporting errors at `position` (the token's start).
    static func parse(_ text: [UInt8], at position: TOMLPosition) throws(TOMLError) -> TOMLValue {
        func failure(_ reason: String) -> TOMLError {
            TOMLError("invalid number '\(String(decoding: text, as: UTF8.self))': \(reason)", at: position)
        }

        var body = text[...]
        var negative = false
        if let first = body.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            body = body.dropFirst()
        }
        if body.elementsEqual("inf".utf8) { return .float(negative ? -Double.infinity : Double.infinity) }
        if body.elementsEqual("nan".utf8) { return .float(negative ? -Double.nan : Double.nan) }

        if body.count >= 2, body.first == UInt8(ascii: "0"), let radix = radix(of: body[body.index(after: body.startIndex)]) {
            guard body.count == text.count else {
                throw failure("a hexadecimal, octal or binary integer cannot have a sign")
            }
            return .integer(try radixInteger(body.dropFirst(2), radix: radix, failure: failure))
        }
        return try decimal(body, negative: negative, failure: failure)
    }

    /// 16, 8 or 2 for the letter after a leading `0` (lower case only), else nil.
    private static func radix(of letter: UInt8) -> Int? {
        switch letter {
        case UInt8(ascii: "x"): 16
        case UInt8(ascii: "o"): 8
        case UInt8(ascii: "b"): 2
        default: nil
        }
    }

    private static func radixInteger(
        _ digits: ArraySlice<UInt8>, radix: Int, failure: (String) -> TOMLError
    ) throws(TOMLError) -> Int64 {
        let name = radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary"
        try checkGroups(digits, what: "\(name) digit", failure: failure) { digitValue($0, radix: radix) != nil }
        var value: Int64 = 0
        for byte in digits where byte != UInt8(ascii: "_") {
            guard let digit = digitValue(byte, radix: radix) else { continue }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: Int64(radix))
            let (sum, overflow2) = shifted.addingReportingOverflow(Int64(digit))
            guard !overflow1 && !overflow2 else { throw failure("out of range of a 64-bit signed integer") }
            value = sum
        }
        return value
    }

    private static func digitValue(_ byte: UInt8, radix: Int) -> Int? {
        guard let value = hexValue(Unicode.Scalar(byte)), Int(value) < radix else { return nil }
        return Int(value)
    }

    /// `int [. digits] [e [sign] digits]`: an integer when neither part is there, else a float.
    private static func decimal(
        _ body: ArraySlice<UInt8>, negative: Bool, failure: (String) -> TOMLError
    ) throws(TOMLError) -> TOMLValue {
        let isDigit: (UInt8) -> Bool = { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        let isPartEnd: (UInt8) -> Bool = { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }

        let integerEnd = body.firstIndex(where: isPartEnd) ?? body.endIndex
        let integerPart = body[..<integerEnd]
        try checkGroups(integerPart, what: "digit", failure: failure, isDigit)
        if integerPart.count > 1 && integerPart.first == UInt8(ascii: "0") {
            throw failure("leading zeros are not allowed")
        }

        var rest = body[integerEnd...]
        var isFloat = false
        if rest.first == UInt8(ascii: ".") {
            isFloat = true
            rest = rest.dropFirst()
            let end = rest.firstIndex(where: isPartEnd) ?? rest.endIndex
            try checkGroups(rest[..<end], what: "digit after '.'", failure: failure, isDigit)
            rest = rest[end...]
        }
        if let letter = rest.first, letter == UInt8(ascii: "e") || letter == UInt8(ascii: "E") {
            isFloat = true
            rest = rest.dropFirst()
            if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { rest = rest.dropFirst() }
            try checkGroups(rest, what: "digit in the exponent", failure: failure, isDigit)
            rest = rest[rest.endIndex...]
        }
        if let stray = rest.first {
            throw failure("unexpected '\(Character(Unicode.Scalar(stray)))'")
        }

        let cleaned = (negative ? "-" : "") + String(decoding: body.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        if isFloat {
            guard let value = Double(cleaned), value.isFinite else {
                throw failure("out of range of a 64-bit float")
            }
            return .float(value)
        }
        guard let value = Int64(cleaned) else { throw failure("out of range of a 64-bit signed integer") }
        return .integer(value)
    }

    /// Digits with single underscores between them: not empty, no underscore first, last or doubled.
    private static func checkGroups(
        _ part: ArraySlice<UInt8>, what: String, failure: (String) -> TOMLError, _ isDigit: (UInt8) -> Bool
    ) throws(TOMLError) {
        guard !part.isEmpty else { throw failure("expected \(withArticle(what))") }
        var previous: UInt8?
        for byte in part {
            if byte == UInt8(ascii: "_") {
                guard let before = previous, before != UInt8(ascii: "_") else {
                    throw failure("an underscore must stand between two digits")
                }
            } else if !isDigit(byte) {
                throw failure("expected \(withArticle(what)), found '\(Character(Unicode.Scalar(byte)))'")
            }
            previous = byte
        }
        if previous == UInt8(ascii: "_") { throw failure("an underscore must stand between two digits") }
    }

    private static func withArticle(_ noun: String) -> String {
        (noun.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + noun
    }
}
