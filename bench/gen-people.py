#!/usr/bin/env python3
"""Writes N valid, distinct birth declarations as JSON Lines with Vietnamese names drawn the way
they are distributed (Nguyễn about 38%, Trần 11%, Lê 9.5%...; Thị for most women), for the
find benchmark. Seeded: the same N gives the same file. Also writes, to the file named by the
second argument, one JSON object a line per dossier's mother: name, date of birth, ID number."""
import json
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
people = open(sys.argv[2], "w") if len(sys.argv) > 2 else None
rng = random.Random(20261201)
families = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 5.1), ("Huỳnh", 4), ("Phan", 4.5),
            ("Vũ", 3.9), ("Võ", 3.5), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1),
            ("Lý", 0.5), ("Đinh", 0.5), ("Trương", 0.5), ("Lương", 0.4), ("Mai", 0.4), ("Cao", 0.3), ("Tạ", 0.2)]
women_middle = ["Thị"] * 7 + ["Ngọc", "Thu", "Thanh", "Minh", "Hồng", "Kim", "Mỹ", "Phương", "Bảo"]
men_middle = ["Văn"] * 5 + ["Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Gia", "Anh"]
women_given = ["Anh", "Ánh", "Bình", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Huệ", "Hương",
               "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh",
               "Tâm", "Thảo", "Thu", "Thủy", "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Ngà"]
men_given = ["An", "Bảo", "Cường", "Dũng", "Duy", "Đạt", "Đức", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khang", "Khánh",
             "Khoa", "Kiên", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quang", "Quân", "Sơn", "Tài", "Thắng",
             "Thành", "Tiến", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Vũ"]
family_names = [f for f, _ in families]
family_weights = [w for _, w in families]


def name(woman):
    family = rng.choices(family_names, family_weights)[0]
    middle = rng.choice(women_middle if woman else men_middle)
    given = rng.choice(women_given if woman else men_given)
    # A second middle name for one person in five.
    if rng.random() < 0.2:
        middle += " " + rng.choice(["Ngọc", "Minh", "Thanh", "Bảo", "Gia", "Khánh"])
    return f"{family} {middle} {given}"


def date(year_from, year_to):
    return f"{rng.randint(year_from, year_to)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


communes = ["17986", "17987", "17988", "17989"]
out = sys.stdout
for i in range(n):
    girl = rng.random() < 0.49
    mother = {"full_name": name(True), "date_of_birth": date(1980, 2004)}
    father = {"full_name": name(False), "date_of_birth": date(1975, 2002)}
    # ID numbers fit the person: 040 (Nghệ An), century/sex digit, year, then distinct digits.
    mother["personal_id"] = f"040{1 if int(mother['date_of_birth'][:4]) < 2000 else 3}{mother['date_of_birth'][2:4]}{i:06d}"
    father["personal_id"] = f"040{0 if int(father['date_of_birth'][:4]) < 2000 else 2}{father['date_of_birth'][2:4]}{(i + 500000) % 1000000:06d}"
    d = {
        "province": "40", "commune": communes[i % len(communes)],
        "received_at": "2026-11-20T09:00:00+07:00",
        "child": {"full_name": name(girl), "sex": "female" if girl else "male", "date_of_birth": "2026-11-15",
                  "place_of_birth": "Bệnh viện Sản Nhi Nghệ An", "ethnicity": "Kinh", "nationality": "Việt Nam"},
        "medical_birth_certificate": {"number": f"GCS-{i:07d}", "issuer": "Bệnh viện Sản Nhi Nghệ An"},
        "mother": mother, "father": father,
        "declarant": {"full_name": father["full_name"], "relationship": "father", "personal_id": father["personal_id"]},
        "reference": f"MC-{i:08d}",
    }
    out.write(json.dumps(d, ensure_ascii=False) + "\n")
    if people:
        people.write(json.dumps(mother, ensure_ascii=False) + "\n")
