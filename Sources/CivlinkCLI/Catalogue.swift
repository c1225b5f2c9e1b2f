/// The message catalogue: every template of civlink's phrases with its Vietnamese, and the
/// table headings and labels. A template is the English sentence with `{1}`, `{2}`, ... where
/// values go (see `Phrase`); a translation may put them in another order.
enum Catalogue {
    static let vietnamese: [String: String] = [
        // Command line
        "unknown command '{1}'; run 'civlink --help' for the list": "lệnh '{1}' không tồn tại; chạy 'civlink --help' để xem danh sách",
        "unknown command '{1}'{2}; run 'civlink --help' for the list": "lệnh '{1}' không tồn tại{2}; chạy 'civlink --help' để xem danh sách",
        "unknown option {1}{2}": "tùy chọn {1} không tồn tại{2}",
        "; did you mean {1}?": "; có phải ý bạn là {1}?",
        "option {1} needs a value ({2})": "tùy chọn {1} cần một giá trị ({2})",
        "option {1} takes no value": "tùy chọn {1} không nhận giá trị",
        "{1} must be {2}": "{1} phải là {2}",
        "internal error: {1}": "lỗi nội bộ: {1}",
        "first to fix: {1}: {2}": "cần khắc phục trước: {1}: {2}",
        "line {1}: {2}": "dòng {1}: {2}",
        "created ledger {1} (schema version {2}){3}": "đã tạo sổ cái {1} (phiên bản lược đồ {2}){3}",
        ", for training": ", dùng để tập huấn",
        // Declarations
        "is required": "là bắt buộc",
        "unknown field (allowed: {1})": "trường không được phép (được phép: {1})",
        "must be a JSON object": "phải là một đối tượng JSON",
        "a declaration must be a JSON object": "tờ khai phải là một đối tượng JSON",
        "must be a string": "phải là chuỗi ký tự",
        "must be true or false": "phải là true hoặc false",
        "must be a whole number": "phải là số nguyên",
        "must be a real date YYYY-MM-DD": "phải là ngày có thật dạng YYYY-MM-DD",
        "must be a time HH:MM": "phải là giờ dạng HH:MM",
        "must not be in the future": "không được ở tương lai",
        "must be before the child's date of birth": "phải trước ngày sinh của trẻ",
        "must not be before deceased.date_of_birth": "không được trước deceased.date_of_birth",
        "must be 12 digits": "phải gồm 12 chữ số",
        "must be {1} digits": "phải gồm {1} chữ số",
        "first 3 digits must be a province code (see provinces.tsv)": "3 chữ số đầu phải là mã tỉnh (xem provinces.tsv)",
        "5th and 6th digits must be the last two digits of the birth year": "chữ số thứ 5 và 6 phải là hai số cuối của năm sinh",
        "4th digit must be {1} for a {2} born in {3}s": "chữ số thứ 4 phải là {1} với người {2} sinh trong thập niên {3}",
        "must be one of {1}": "phải là một trong {1}",
        "must be at most {1} characters": "phải có tối đa {1} ký tự",
        "must not contain control or invisible characters": "không được chứa ký tự điều khiển hoặc ký tự ẩn",
        "must not be empty": "không được để trống",
        "must be a 2025 province code (unit_2025 in provinces.tsv)": "phải là mã tỉnh năm 2025 (unit_2025 trong provinces.tsv)",
        "the free health-insurance card is only for a child under 6 (72 months) on the day of registration":
            "thẻ BHYT miễn phí chỉ cấp cho trẻ dưới 6 tuổi (72 tháng) vào ngày đăng ký",
        "is required when a funeral benefit is requested and the deceased is entitled to one":
            "là bắt buộc khi yêu cầu trợ cấp mai táng và người chết được hưởng",
        "is required when the deceased is entitled to the funeral allowance": "là bắt buộc khi người chết được hưởng trợ cấp mai táng",
        "input is not valid UTF-8": "dữ liệu không phải UTF-8 hợp lệ",
        "invalid JSON at byte {1}: {2}": "JSON không hợp lệ tại byte {1}: {2}",
        "duplicate: {1}; already registered as dossier {2}": "trùng lặp: {1}; đã đăng ký với hồ sơ {2}",
        "a birth with the same mother, date of birth and child's name": "khai sinh cùng mẹ, ngày sinh và tên trẻ",
        "the same medical birth certificate number": "cùng số giấy chứng sinh",
        "a death for the same personal ID number": "khai tử cho cùng số định danh cá nhân",
        // Ledger
        "no dossier {1} in this ledger": "không có hồ sơ {1} trong sổ cái này",
        "no ledger at {1}": "không có sổ cái tại {1}",
        "; create one with 'civlink init' or name it with --ledger or CIVLINK_LEDGER":
            "; tạo bằng 'civlink init' hoặc chỉ định bằng --ledger hoặc CIVLINK_LEDGER",
        "ledger {1} exists already": "sổ cái {1} đã tồn tại",
        // Help
        "usage:": "cách dùng:",
        "options:": "tùy chọn:",
        "commands:": "lệnh:",
        "actions:": "thao tác:",
        "Create a new ledger (mode 0600, WAL, current schema) and its ledger key (mode 0600).":
            "Tạo sổ cái mới (quyền 0600, WAL, lược đồ hiện hành) và khóa của sổ cái (quyền 0600).",
        "Register a birth and plan its interconnected procedures (ID number, residence, health insurance).":
            "Đăng ký khai sinh và lập kế hoạch các thủ tục liên thông (số định danh, thường trú, BHYT).",
        "Register a death and plan residence deletion and the funeral benefit the deceased is entitled to.":
            "Đăng ký khai tử và lập kế hoạch xóa đăng ký thường trú và trợ cấp mai táng người chết được hưởng.",
        "Show a dossier's procedures and timeline, or list dossiers by state, group, commune or overdue.":
            "Xem các thủ tục và diễn biến của hồ sơ, hoặc liệt kê hồ sơ theo trạng thái, nhóm, xã hoặc quá hạn.",
        "Copy the ledger to FILE with SQLite's online backup, safe while civlink runs.":
            "Sao lưu sổ cái ra FILE bằng sao lưu trực tuyến của SQLite, an toàn khi civlink đang chạy.",
        "Generate an officer's private key (PEM, mode 0600) and optionally a certificate signing request.":
            "Tạo khóa bí mật của cán bộ (PEM, quyền 0600) và, nếu cần, yêu cầu cấp chứng thư số.",
        "A province CA for small deployments and tests (init, issue), or import a real CA's certificate chain.":
            "CA cấp tỉnh cho triển khai nhỏ và kiểm thử (init, issue), hoặc nhập chuỗi chứng thư của một CA thật.",
        "Sign a dossier's certificate copy (JWS with the officer's certificate chain), or every pending one.":
            "Ký số bản sao điện tử của hồ sơ (JWS kèm chuỗi chứng thư của cán bộ), hoặc mọi bản đang chờ ký.",
        "Verify a signed copy offline: payload, signature, chain, validity at signing time, key usage, revocation.":
            "Kiểm tra bản sao đã ký khi không có mạng: nội dung, chữ ký, chuỗi chứng thư, hiệu lực lúc ký, mục đích khóa, thu hồi.",
        "Revoke a dossier's signed copy with a reason, or export the revocation list for verifiers.":
            "Thu hồi bản sao đã ký của hồ sơ kèm lý do, hoặc xuất danh sách thu hồi cho bên kiểm tra.",
        "Print dossiers' current signed copies, byte for byte as signed, one a line, e.g. to send them again.":
            "In lại bản sao đã ký hiện hành của hồ sơ, đúng từng byte như khi ký, mỗi bản một dòng, ví dụ để gửi lại.",
        "Check the ledger's tamper-evident history; sign checkpoints, prove a dossier's events, witness a commune's log.":
            "Kiểm tra lịch sử chống giả mạo của sổ cái; ký điểm kiểm tra, chứng minh sự kiện của hồ sơ, chứng kiến nhật ký của xã.",
        "Send every ready procedure to its agency and ingest receipts (cron-friendly, safe every minute).":
            "Gửi mọi thủ tục đã sẵn sàng đến cơ quan tiếp nhận và nhận kết quả (chạy bằng cron, an toàn mỗi phút).",
        "Configure how civlink reaches each receiving system (spool or HTTP), check it, or simulate it.":
            "Cấu hình cách civlink kết nối từng hệ thống tiếp nhận (thư mục spool hoặc HTTP), kiểm tra hoặc mô phỏng.",
        "Province statistics: received, processed, pending, overdue by system, procedure, commune, month; overdue list.":
            "Thống kê cấp tỉnh: tiếp nhận, đã giải quyết, đang xử lý, quá hạn theo hệ thống, thủ tục, xã, tháng; danh sách quá hạn.",
        "Check the ledger and its surroundings; print the first thing to fix.":
            "Kiểm tra sổ cái và môi trường; in ra việc cần khắc phục trước tiên.",
        "Interconnected birth and death procedures: register once at the commune desk, and civlink":
            "Liên thông thủ tục khai sinh, khai tử: đăng ký một lần tại bộ phận một cửa của xã, civlink",
        "plans, tracks and reports every step through the police, social insurance and social affairs.":
            "lập kế hoạch, theo dõi và báo cáo từng bước qua công an, bảo hiểm xã hội và lao động - xã hội.",
        "Run 'civlink <command> --help' for a command's options; see civlink(1).":
            "Chạy 'civlink <lệnh> --help' để xem tùy chọn của một lệnh; xem civlink(1).",
        "See {1}.": "Xem {1}.",
        "Create a province CA: a key (mode 0600) and a self-signed certificate in DIR.":
            "Tạo CA cấp tỉnh: một khóa (quyền 0600) và một chứng thư tự ký trong DIR.",
        "Issue an officer's certificate for a signing request.": "Cấp chứng thư số cho cán bộ theo yêu cầu cấp chứng thư.",
        "Record a CA's root (trusted for signing from then on) and an officer's certificate chain in the ledger.":
            "Ghi vào sổ cái chứng thư gốc của một CA (được tin cậy để ký từ đó) và chuỗi chứng thư của cán bộ.",
        "Check the event chain, the Merkle tree, every covered row, and each checkpoint given, in one snapshot.":
            "Kiểm tra chuỗi sự kiện, cây Merkle, mọi dòng được bảo vệ và từng điểm kiểm tra được đưa vào, trên cùng một ảnh chụp.",
        "Sign a checkpoint (C2SP tlog-checkpoint) of the log as it is: origin, size, root hash.":
            "Ký một điểm kiểm tra (C2SP tlog-checkpoint) của nhật ký hiện tại: nguồn gốc, kích thước, băm gốc.",
        "Print the inclusion proofs of a dossier's events (civlink.proof/1), for checking offline.":
            "In bằng chứng bao hàm các sự kiện của hồ sơ (civlink.proof/1), để kiểm tra khi không có mạng.",
        "Cosign communes' checkpoints (C2SP tlog-cosignature) after checking each is consistent with the last one seen.":
            "Đồng ký điểm kiểm tra của các xã (C2SP tlog-cosignature) sau khi kiểm tra mỗi điểm nhất quán với điểm đã thấy gần nhất.",
        "Print the log's origin and the ledger's verifier key, to give to the province's witness.":
            "In nguồn gốc nhật ký và khóa kiểm tra của sổ cái, để giao cho bên chứng kiến của tỉnh.",
        "Add or replace how an agency is reached.": "Thêm hoặc thay đổi cách kết nối một cơ quan.",
        "List the configured agencies.": "Liệt kê các cơ quan đã cấu hình.",
        "Check that each agency (or one) can be reached, sending nothing.": "Kiểm tra kết nối đến từng cơ quan (hoặc một cơ quan), không gửi gì.",
        "Forget how an agency is reached.": "Xóa cấu hình kết nối của một cơ quan.",
        "Play an agency on a spool directory, for training and tests.": "Đóng vai một cơ quan trên thư mục spool, để tập huấn và kiểm thử.",
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
}
