
public enum Sex: String, Sendable, CaseIterable {
    case male, female
}

/// The 12-digit personal identification number: province code (3) + century/sex digit (1) +
/// last two digits of the birth year (2) + 6 random digits.
public struct PersonalID: Sendable, Hashable {
    public let digits: String

    /// The century/sex digit for a person born in `year` of sex `sex`; nil outside 1900-2399.
    public static func centurySexDigit(year: Int, sex: Sex) -> Int? {
        guard (1900...2399).contains(year) else { return nil }
        return (year / 100 - 19) * 2 + (sex == .female ? 1 : 0)
    }

    /// Checks shape and province code only: for people whose birth date and sex are not declared.
    public static func validate(_ text: String, field: String, provinces: ProvinceTable) throws -> PersonalID {
        guard text.utf8.count == 12, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw ValidationError(field, "must be 12 digits")
        }
        let province = String(text.prefix(3))
        guard provinces.byIDCode[province] != nil else {
            throw ValidationError(field, "first 3 digits must be a province code (see provinces.tsv)")
        }
        return PersonalID(digits: text)
    }

    /// The year of birth the century/sex digit and the year digits give (1900-2399).
    public static func birthYear(_ digits: String) -> Int {
        let u = Array(digits.utf8).map { Int($0) - 0x30 }
        return 1900 + u[3] / 2 * 100 + u[4] * 10 + u[5]
    }

    /// Checks shape, province code, and that the century and year digits match the birth date
    /// (either sex: for a person whose sex is not declared).
    public static func validate(_ text: String, field: String, provinces: ProvinceTable, born: CivilDate) throws -> PersonalID {
        let id = try validate(text, field: field, provinces: provinces)
        guard centurySexDigit(year: born.year, sex: .male) != nil else {
            throw ValidationError(field, "birth year must be between 1900 and 2399")
        }
        let u = Array(text.utf8).map { Int($0) - 0x30 }
        guard u[3] / 2 == born.year / 100 - 19 else {
            throw ValidationError(field, "4th digit must be \(centurySexDigit(year: born.year, sex: .male)!) or \(centurySexDigit(year: born.year, sex: .female)!) for a person born in \(born.year / 100 * 100)s")
        }
        guard u[4] * 10 + u[5] == born.year % 100 else {
            throw ValidationError(field, "5th and 6th digits must be the last two digits of the birth year")
        }
        return id
    }

    /// Checks shape, province code, and that the century/sex and year digits match the person.
    public static func validate(_ text: String, field: String, provinces: ProvinceTable, born: CivilDate, sex: Sex) throws -> PersonalID {
        let id = try validate(text, field: field, provinces: provinces)
        let u = Array(text.utf8).map { Int($0) - 0x30 }
        guard let expected = centurySexDigit(year: born.year, sex: sex) else {
            throw ValidationError(field, "birth year must be between 1900 and 2399")
        }
        guard u[3] == expected else {
            let century = born.year / 100 * 100
            throw ValidationError(field, sex == .male ? "4th digit must be \(expected) for a man born in the \(century)s"
                                                      : "4th digit must be \(expected) for a woman born in the \(century)s")
        }
        guard u[4] * 10 + u[5] == born.year % 100 else {
            throw ValidationError(field, "5th and 6th digits must be the last two digits of the birth year")
        }
        return id
    }
}
