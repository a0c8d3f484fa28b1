import Testing

@testable import TOML

/// Spec section "Array of Tables".
@Suite struct ArrayOfTablesTests {
    @Test func eachHeaderAppendsATable() {
        let table = decode("""
            [[products]]
            name = "Hammer"
            sku = 738594937

            [[products]]  # empty table within the array

            [[products]]
            name = "Nail"
            """)
        #expect(table["products"] == .array([
            .table(["name": .string("Hammer"), "sku": .integer(738_594_937)]),
            .table([:]),
            .table(["name": .string("Nail")]),
        ]))
    }

    @Test func subTablesBelongToTheLatestElement() {
        let table = decode("""
            [[fruits]]
            name = "apple"
            [fruits.physical]
            color = "red"
            [[fruits.varieties]]
            name = "red delicious"
            [[fruits.varieties]]
            name = "granny smith"
            [[fruits]]
            name = "banana"
            [[fruits.varieties]]
            name = "plantain"
            """)
        let fruits = table["fruits"]?.arrayValue ?? []
        #expect(fruits.count == 2)
        #expect(fruits.first?["physical"]?["color"] == .string("red"))
        #expect(fruits.first?["varieties"]?.arrayValue?.count == 2)
        #expect(fruits.last?["varieties"] == .array([.table(["name": .string("plantain")])]))
    }

    @Test func anArrayOfTablesUnderAnImplicitTable() {
        let table = decode("[[a.b]]\nx = 1\n[a]\ny = 2")
        #expect(table["a"] == .table(["b": .array([.table(["x": .integer(1)])]), "y": .integer(2)]))
    }

    @Test(arguments: [
        ("fruits = []\n[[fruits]]",
         "cannot define array of tables [[fruits]]: key 'fruits' is already a static array, which cannot be extended (defined at 1:1)"),
        ("[[a]]\n[a]", "cannot define table [a]: it is already an array of tables (defined at 1:1)"),
        ("[a]\n[[a]]", "cannot define array of tables [[a]]: 'a' is already a table (defined at 1:1)"),
        ("[[a.b]]\n[[a]]", "cannot define array of tables [[a]]: 'a' is already a table (defined at 1:1)"),
        ("[[a.b]]\n[a]\nb.c = 1", "cannot add to array of tables 'b' with dotted keys (defined at 1:1)"),
        ("[[a]]\nb = 1\n[[a]]\nb = 1\nb = 2", "duplicate key 'b' (first defined at 4:1)"),
    ])
    func conflictsAreRefused(text: String, message: String) {
        #expect(failure(text)?.message == message)
    }
}
