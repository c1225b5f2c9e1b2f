/// The receipt and appointment slip (giấy tiếp nhận hồ sơ và hẹn trả kết quả) the one-stop desk
/// hands the declarant: a Vietnamese administrative form, after the form of Circular
/// 01/2018/TT-VPCP (Mẫu số 01). It carries the dossier code, who handed it in, each procedure with
/// its agency and the day its result is due, where to collect the results, and a QR code of the
/// dossier code, which is what the public status is looked up by.
public enum ReceiptSlip {
    /// Official Vietnamese names of the procedures, as the slip prints them.
    static func procedureName(_ code: String, group: ProcedureGroup) -> String {
        switch code {
        case "birth-registration": "Đăng ký khai sinh"
        case "death-registration": "Đăng ký khai tử"
        case "certificate-copy": group == .birth ? "Cấp bản điện tử Trích lục khai sinh" : "Cấp bản điện tử Trích lục khai tử"
        case "personal-id": "Cấp số định danh cá nhân"
        case "residence-registration": "Đăng ký thường trú"
        case "health-insurance-card": "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi"
        case "residence-deletion": "Xóa đăng ký thường trú"
        case "funeral-allowance": "Giải quyết trợ cấp mai táng"
        case "funeral-support": "Hỗ trợ chi phí mai táng"
        default: code
        }
    }

    /// The agency that settles a procedure, as the slip names it.
    static func agencyName(_ agency: String) -> String {
        switch agency {
        case "civil-status": "UBND cấp xã (hộ tịch)"
        case "population": "Công an (Cơ sở dữ liệu quốc gia về dân cư)"
        case "residence": "Công an cấp xã (cư trú)"
        case "social-insurance": "Bảo hiểm xã hội"
        case "social-affairs": "Cơ quan lao động - xã hội"
        default: agency
        }
    }

    /// The text a QR code on the slip holds: the dossier code, as printed.
    public static func qrPayload(_ dossier: DossierRecord) -> String { dossier.id }

    /// The slip of `dossier`, printed at `now`, on `paper`. `receivedBy` names the officer.
    public static func page(_ dossier: DossierRecord, reference: ReferenceData, receivedBy: String, now: Timestamp,
                            paper: HTMLPage.Paper) throws -> HTMLPage {
        let e = HTMLPage.escape
        let d = dossier.declaration
        let province = reference.provinces.byIDCode.values.first { $0.unit2025 == dossier.province }?.unit2025Name ?? dossier.province
        let declarant = d["declarant"]?["full_name"]?.stringValue ?? ""
        let subject = dossier.group == .birth ? d["child"]?["full_name"]?.stringValue : d["deceased"]?["full_name"]?.stringValue
        let received = dossier.receivedAt
        let s = received.localSecondsOfDay
        let time = "\(s / 3600) giờ \(s / 60 % 60 < 10 ? "0" : "")\(s / 60 % 60) phút"
        let lastDue = dossier.procedures.map(\.deadline).max() ?? received.localDate
        let rows = dossier.procedures.enumerated().map { index, p in
            """
            <tr><td class="center">\(index + 1)</td><td>\(e(procedureName(p.code, group: dossier.group)))</td><td>\(e(agencyName(p.agency)))</td>\
            <td class="center nowrap">\(e(HTMLPage.vietnameseDate(p.deadline)))</td></tr>
            """
        }.joined(separator: "\n")
        let qr = try HTMLPage.qrCode(qrPayload(dossier), label: "Mã hồ sơ \(dossier.id)")
        let body = """
        <header>
        <div class="issuer"><div>UBND XÃ/PHƯỜNG MÃ \(e(dossier.commune))</div><div class="u">BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ</div></div>
        <div class="motto"><div>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div><div class="u">Độc lập - Tự do - Hạnh phúc</div></div>
        </header>
        <h1>GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ</h1>
        <div class="code-block">
        <div class="facts">
        <p class="code">Mã hồ sơ: <strong>\(e(dossier.id))</strong></p>
        <p>Bộ phận tiếp nhận và trả kết quả UBND xã/phường mã \(e(dossier.commune)), \(e(province)) đã tiếp nhận hồ sơ của: <strong>\(e(declarant))</strong>.</p>
        <p>Nội dung yêu cầu: \(e(dossier.group == .birth ? "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi" : "Liên thông thủ tục hành chính về đăng ký khai tử, xóa đăng ký thường trú, trợ cấp mai táng phí"))\(subject.map { " cho <strong>\(e($0))</strong>" } ?? "") (thủ tục \(e(dossier.group.catalogueCode))).</p>
        <p>Thời gian nhận hồ sơ: \(time), ngày \(e(HTMLPage.vietnameseDate(received.localDate))).</p>
        </div>
        <div class="qr">\(qr)<div class="qr-caption">Tra cứu bằng mã hồ sơ</div></div>
        </div>
        <table>
        <thead><tr><th class="center nowrap">STT</th><th>Thủ tục</th><th>Cơ quan giải quyết</th><th class="center">Hẹn trả kết quả</th></tr></thead>
        <tbody>
        \(rows)
        </tbody>
        </table>
        <p>Thời gian trả kết quả giải quyết hồ sơ: chậm nhất ngày <strong>\(e(HTMLPage.vietnameseDate(lastDue)))</strong> (theo từng thủ tục nêu trên, tính theo ngày làm việc).</p>
        <p>Nơi nhận kết quả: Bộ phận tiếp nhận và trả kết quả (Một cửa) UBND xã/phường mã \(e(dossier.commune)), \(e(province)). \(dossier.group == .birth ? "Số định danh cá nhân của trẻ được thông báo qua ứng dụng VNeID; thẻ bảo hiểm y tế và các kết quả khác nhận tại Bộ phận Một cửa." : "Quyết định trợ cấp mai táng và các kết quả khác nhận tại Bộ phận Một cửa.")</p>
        <p>Tra cứu tình trạng giải quyết hồ sơ bằng mã hồ sơ <strong>\(e(dossier.id))</strong> tại Bộ phận Một cửa hoặc quét mã QR.</p>
        <div class="signatures">
        <div><strong>NGƯỜI NỘP HỒ SƠ</strong><br><em>(Ký, ghi rõ họ tên)</em><div class="space"></div>\(e(declarant))</div>
        <div><strong>NGƯỜI TIẾP NHẬN HỒ SƠ</strong><br><em>(Ký, ghi rõ họ tên)</em><div class="space"></div>\(e(receivedBy))</div>
        </div>
        <p class="printed">In ngày \(e(HTMLPage.vietnameseDate(now.localDate))).</p>
        """
        let style = """
        header { display: flex; justify-content: space-between; gap: 3mm; text-align: center; font-weight: bold; font-size: \(paper == .a5 ? "0.8em" : "0.95em"); }
        header .u { text-decoration: underline; }
        .issuer { flex: 0 0 45%; } .motto { flex: 0 0 52%; }
        h1 { text-align: center; font-size: 1.25em; margin: \(paper == .a4 ? "6mm 0 4mm" : "3mm 0 2mm"); }
        .code-block { display: flex; gap: 4mm; align-items: flex-start; }
        .facts { flex: 1 1 auto; min-width: 0; }
        .facts p { margin: 0 0 1.5mm; }
        .code { font-size: 1.15em; }
        .qr { flex: 0 0 \(paper == .a4 ? 35 : 27)mm; width: \(paper == .a4 ? 35 : 27)mm; text-align: center; }
        .qr-caption { font-size: 0.8em; }
        .nowrap { white-space: nowrap; }
        table { margin: \(paper == .a4 ? 3 : 2)mm 0; }
        th, td { padding: 0.6mm 1.2mm; }
        p { margin: \(paper == .a4 ? 1.5 : 1)mm 0; }
        .signatures { display: flex; justify-content: space-between; text-align: center; margin-top: \(paper == .a4 ? 6 : 3)mm; break-inside: avoid; }
        .signatures > div { flex: 0 0 48%; }
        .space { height: \(paper == .a4 ? 20 : 11)mm; }
        .printed { font-size: 0.8em; color: #333; margin-top: 2mm; }
        """
        return HTMLPage(title: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả \(dossier.id)", language: "vi", paper: paper, style: style, body: body)
    }
}
