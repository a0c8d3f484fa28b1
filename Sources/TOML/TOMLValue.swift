/// One TOML value, as the decoder produced it.
///
/// Equality is structural: `.float(.nan)` is not equal to itself, as with `Double`, and
/// tables compare by content only (see ``TOMLTable``).
public enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    case offsetDateTime(TOMLOffsetDateTime)
    case localDateTime(TOMLLocalDateTime)
    case localDate(TOMLLocalDate)
    case localTime(TOMLLocalTime)
    case array([TOMLValue])
    case table(TOMLTable)

    /// The kind of value as the TOML specification names it, for messages such as
    /// "expected a string, found an integer": "string", "integer", "float", "boolean",
    /// "offset date-time", "local date-time", "local date", "local time", "array", "table".
    public var typeName: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .boolean: "boolean"
        case .offsetDateTime: "offset date-time"
        case .localDateTime: "local date-time"
        case .localDate: "local date"
        case .localTime: "local time"
        case .array: "array"
        case .table: "table"
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    public var integerValue: Int64? {
        if case .integer(let value) = self { value } else { nil }
    }

    /// The value of a float only: an integer is not converted, so that a caller can tell them apart.
    public var doubleValue: Double? {
        if case .float(let value) = self { value } else { nil }
    }

    public var boolValue: Bool? {
        if case .boolean(let value) = self { value } else { nil }
    }

    /// The elements of an array, including an array of tables.
    public var arrayValue: [TOMLValue]? {
        if case .array(let value) = self { value } else { nil }
    }

    /// The table of a `[table]`, an inline table, a table made by dotted keys, or an element of an array of tables.
    public var tableValue: TOMLTable? {
        if case .table(let value) = self { value } else { nil }
    }
}
