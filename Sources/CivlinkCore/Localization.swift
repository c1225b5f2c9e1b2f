import Foundation

/// The language people read civlink's messages in: Vietnamese when the locale asks for it
/// (LC_ALL, then LC_MESSAGES, then LANG starting with "vi"), English otherwise. Machine output
/// (JSON, CSV) never changes with it.
public enum Language: Sendable {
    case english, vietnamese

    public static func from(environment: [String: String]) -> Language {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[key], !value.isEmpty {
                return value.lowercased().hasPrefix("vi") ? .vietnamese : .english
            }
        }
        return .english
    }
}

/// Translates civlink's English messages phrase by phrase. Field names, codes and ids stay as they
/// are, so a Vietnamese message still names the same JSON field; a phrase with no translation stays
/// English rather than being lost.
public enum Localizer {
    /// Longer phrases first, so a phrase containing another is translated whole.
    static let vietnamese: [(String, String)] = [
        // errors
        ("unknown command", "lệnh không tồn tại"),
        ("run 'civlink --help' for the list", "chạy 'civlink --help' để xem danh sách"),
        ("unknown option", "tùy chọn không tồn tại"),
        ("needs a value", "cần một giá trị"),
        ("takes no value", "không nhận giá trị"),
        ("is required when a funeral benefit is requested and the deceased is entitled to one",
         "là bắt buộc khi yêu cầu trợ cấp mai táng và người chết được hưởng"),
        ("is required when the deceased is entitled to the funeral allowance", "là bắt buộc khi người chết được hưởng trợ cấp mai táng"),
        ("is required", "là bắt buộc"),
        ("unknown field", "trường không được phép"),
        ("allowed:", "được phép:"),
        ("must be a JSON object", "phải là một đối tượng JSON"),
        ("a declaration must be a JSON object", "tờ khai phải là một đối tượng JSON"),
        ("must be a string", "phải là chuỗi ký tự"),
        ("must be true or false", "phải là true hoặc false"),
        ("must be a whole number", "phải là số nguyên"),
        ("must be a real date YYYY-MM-DD", "phải là ngày có thật dạng YYYY-MM-DD"),
        ("must be a time HH:MM", "phải là giờ dạng HH:MM"),
        ("must not be in the future", "không được ở tương lai"),
        ("must be before the child's date of birth", "phải trước ngày sinh của trẻ"),
        ("must not be before deceased.date_of_birth", "không được trước deceased.date_of_birth"),
        ("must be 12 digits", "phải gồm 12 chữ số"),
        ("first 3 digits must be a province code (see provinces.tsv)", "3 chữ số đầu phải là mã tỉnh (xem provinces.tsv)"),
        ("5th and 6th digits must be the last two digits of the birth year", "chữ số thứ 5 và 6 phải là hai số cuối của năm sinh"),
        ("4th digit must be", "chữ số thứ 4 phải là"),
        ("must be one of", "phải là một trong"),
        ("must be at most", "phải có tối đa"),
        ("characters", "ký tự"),
        ("must not contain control or invisible characters", "không được chứa ký tự điều khiển hoặc ký tự ẩn"),
        ("must not be empty", "không được để trống"),
        ("must be a 2025 province code (unit_2025 in provinces.tsv)", "phải là mã tỉnh năm 2025 (unit_2025 trong provinces.tsv)"),
        ("the free health-insurance card is only for a child under 6 (72 months) on the day of registration",
         "thẻ BHYT miễn phí chỉ cấp cho trẻ dưới 6 tuổi (72 tháng) vào ngày đăng ký"),
        ("input is not valid UTF-8", "dữ liệu không phải UTF-8 hợp lệ"),
        ("invalid JSON at byte", "JSON không hợp lệ tại byte"),
        ("duplicate:", "trùng lặp:"),
        ("already registered as dossier", "đã đăng ký với hồ sơ"),
        ("a birth with the same mother, date of birth and child's name", "khai sinh cùng mẹ, ngày sinh và tên trẻ"),
        ("the same medical birth certificate number", "cùng số giấy chứng sinh"),
        ("a death for the same personal ID number", "khai tử cho cùng số định danh cá nhân"),
        ("no dossier", "không có hồ sơ"),
        ("in this ledger", "trong sổ cái này"),
        ("no ledger at", "không có sổ cái tại"),
        ("create one with 'civlink init' or name it with --ledger or CIVLINK_LEDGER",
         "tạo bằng 'civlink init' hoặc chỉ định bằng --ledger hoặc CIVLINK_LEDGER"),
        ("exists already", "đã tồn tại"),
        ("line", "dòng"),
        // help and tables
        ("usage:", "cách dùng:"),
        ("options:", "tùy chọn:"),
        ("commands:", "lệnh:"),
        ("Create a new ledger (mode 0600, WAL, current schema).", "Tạo sổ cái mới (quyền 0600, WAL, lược đồ hiện hành)."),
        ("Register a birth and plan its interconnected procedures (ID number, residence, health insurance).",
         "Đăng ký khai sinh và lập kế hoạch các thủ tục liên thông (số định danh, thường trú, BHYT)."),
        ("Register a death and plan residence deletion and the funeral benefit the deceased is entitled to.",
         "Đăng ký khai tử và lập kế hoạch xóa đăng ký thường trú và trợ cấp mai táng người chết được hưởng."),
        ("Show a dossier's procedures and timeline, or list dossiers by state, group, commune or overdue.",
         "Xem các thủ tục và diễn biến của hồ sơ, hoặc liệt kê hồ sơ theo trạng thái, nhóm, xã hoặc quá hạn."),
        ("Copy the ledger to FILE with SQLite's online backup, safe while civlink runs.",
         "Sao lưu sổ cái ra FILE bằng sao lưu trực tuyến của SQLite, an toàn khi civlink đang chạy."),
        ("Generate an officer's private key (PEM, mode 0600) and optionally a certificate signing request.",
         "Tạo khóa bí mật của cán bộ (PEM, quyền 0600) và, nếu cần, yêu cầu cấp chứng thư số."),
        ("A province CA for small deployments and tests (init, issue), or import a real CA's certificate chain.",
         "CA cấp tỉnh cho triển khai nhỏ và kiểm thử (init, issue), hoặc nhập chuỗi chứng thư của một CA thật."),
        ("Sign a dossier's certificate copy (JWS with the officer's certificate chain), or every pending one.",
         "Ký số bản sao điện tử của hồ sơ (JWS kèm chuỗi chứng thư của cán bộ), hoặc mọi bản đang chờ ký."),
        ("Verify a signed copy offline: payload, signature, chain, validity at signing time, key usage, revocation.",
         "Kiểm tra bản sao đã ký khi không có mạng: nội dung, chữ ký, chuỗi chứng thư, hiệu lực lúc ký, mục đích khóa, thu hồi."),
        ("Revoke a dossier's signed copy with a reason, or export the revocation list for verifiers.",
         "Thu hồi bản sao đã ký của hồ sơ kèm lý do, hoặc xuất danh sách thu hồi cho bên kiểm tra."),
        ("Check the ledger's hash-chained history: report the first event modified, deleted, inserted or reordered.",
         "Kiểm tra lịch sử chuỗi băm của sổ cái: báo sự kiện đầu tiên bị sửa, xóa, chèn hoặc đảo thứ tự."),
        ("Send every ready procedure to its agency and ingest receipts (cron-friendly, safe every minute).",
         "Gửi mọi thủ tục đã sẵn sàng đến cơ quan tiếp nhận và nhận kết quả (chạy bằng cron, an toàn mỗi phút)."),
        ("Configure how civlink reaches each receiving system (spool or HTTP), check it, or simulate it.",
         "Cấu hình cách civlink kết nối từng hệ thống tiếp nhận (thư mục spool hoặc HTTP), kiểm tra hoặc mô phỏng."),
        ("Province statistics: received, processed, pending, overdue by system, procedure, commune, month; overdue list.",
         "Thống kê cấp tỉnh: tiếp nhận, đã giải quyết, đang xử lý, quá hạn theo hệ thống, thủ tục, xã, tháng; danh sách quá hạn."),
        ("Check the ledger and its surroundings; print the first thing to fix.",
         "Kiểm tra sổ cái và môi trường; in ra việc cần khắc phục trước tiên."),
        ("first to fix:", "cần khắc phục trước:"),
        ("created ledger", "đã tạo sổ cái"), ("schema version", "phiên bản lược đồ"),
    ]

    /// Table headings and labels, matched whole.
    static let vietnameseHeadings: [String: String] = [
        "PROCEDURE": "THỦ TỤC", "AGENCY": "CƠ QUAN", "STATE": "TRẠNG THÁI", "SINCE": "TỪ", "DEADLINE": "HẠN",
        "OVERDUE": "QUÁ HẠN", "WAITS ON": "CHỜ", "GROUP": "NHÓM", "COMMUNE": "XÃ", "REGISTER": "SỐ ĐĂNG KÝ",
        "RECEIVED": "TIẾP NHẬN", "OPEN": "ĐANG XỬ LÝ", "timeline": "diễn biến", "received": "tiếp nhận",
        "dossier": "hồ sơ", "register": "sổ đăng ký", "benefit": "trợ cấp",
        "SYSTEM": "HỆ THỐNG", "PLANNED": "DỰ KIẾN", "PROCESSED": "ĐÃ GIẢI QUYẾT", "PENDING": "ĐANG XỬ LÝ", "REJECTED": "BỊ TỪ CHỐI",
        "STUCK": "KẸT", "ON TIME": "ĐÚNG HẠN", "ON TIME SHARE": "TỶ LỆ ĐÚNG HẠN", "TIMING": "THỜI GIAN", "MEDIAN": "TRUNG VỊ",
        "MONTH": "THÁNG", "CHECK": "KIỂM TRA", "RESULT": "KẾT QUẢ", "DETAIL": "CHI TIẾT", "ATTEMPTS": "SỐ LẦN GỬI", "SENT": "ĐÃ GỬI",
        "ANSWERED": "ĐÃ TRẢ LỜI", "MESSAGE": "THÔNG ĐIỆP", "LAST ERROR": "LỖI GẦN NHẤT", "DOSSIER": "HỒ SƠ", "TRANSPORT": "KÊNH",
        "TARGET": "ĐÍCH", "TIMEOUT": "THỜI HẠN CHỜ", "SOURCE": "NGUỒN", "REASON": "LÝ DO", "WORKING DAYS LATE": "SỐ NGÀY LÀM VIỆC TRỄ",
        "delivery": "chuyển hồ sơ",
    ]

    /// A table heading or label in `language`.
    public static func heading(_ text: String, to language: Language) -> String {
        language == .vietnamese ? vietnameseHeadings[text] ?? text : text
    }

    public static func translate(_ text: String, to language: Language) -> String {
        guard language == .vietnamese else { return text }
        var out = text
        for (english, vietnamese) in vietnamese where out.contains(english) {
            out = replaceWholePhrase(english, with: vietnamese, in: out)
        }
        return out
    }

    /// Replaces `phrase` only where it stands alone, never inside a field name or word
    /// (`deadline`, `received_at` and `dossier_id` stay untouched).
    static func replaceWholePhrase(_ phrase: String, with replacement: String, in text: String) -> String {
        func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "-" }
        var result = ""
        var rest = text[...]
        while let range = rest.range(of: phrase) {
            let before = range.lowerBound == rest.startIndex ? (result.last) : rest[rest.index(before: range.lowerBound)]
            let after = range.upperBound == rest.endIndex ? nil : rest[range.upperBound]
            let standsAlone = !(before.map(isWordCharacter) ?? false) && !(after.map(isWordCharacter) ?? false)
            result += rest[..<range.lowerBound]
            result += standsAlone ? replacement : phrase
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
