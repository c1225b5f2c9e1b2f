#!/usr/bin/env python3
"""Writes seed 001's national flow, scaled, as two JSON Lines files of valid, distinct declarations:
births (each: personal ID, residence registration, health-insurance card) and deaths (each:
residence deletion and either the funeral allowance or the funeral support). At scale 1.0 the
four agencies receive what the Government Office counted on 5 September 2023: population 72,175,
residence 78,767, social insurance 73,409, social affairs 5,358 (229,709 messages).
Usage: gen-national.py SCALE BIRTHS.jsonl DEATHS.jsonl   (prints the three counts)"""
import json
import sys

scale = float(sys.argv[1])
births_n = round(72175 * scale)
allowance_n = round((73409 - 72175) * scale)
support_n = round(5358 * scale)
communes = ["17986", "17987", "17988", "17989"]

birth = {
    "province": "40", "commune": "17986", "received_at": "2026-11-20T09:00:00+07:00",
    "child": {"full_name": "", "sex": "female", "date_of_birth": "2026-11-15",
              "place_of_birth": "Bệnh viện Sản Nhi Nghệ An", "ethnicity": "Kinh", "nationality": "Việt Nam"},
    "medical_birth_certificate": {"number": "", "issuer": "Bệnh viện Sản Nhi Nghệ An"},
    "mother": {"full_name": "Trần Thị Bình", "date_of_birth": "1995-03-02", "personal_id": ""},
    "father": {"full_name": "Nguyễn Văn Cường", "date_of_birth": "1993-07-09", "personal_id": "040093000456"},
    "declarant": {"full_name": "Nguyễn Văn Cường", "relationship": "father", "personal_id": "040093000456"},
    "residence_registration": {"address": "Khối 13, phường Trường Vinh, Nghệ An"},
    "health_insurance": {"facility": "Trạm y tế phường Trường Vinh"},
}
with open(sys.argv[2], "w") as out:
    for i in range(births_n):
        birth["commune"] = communes[i % len(communes)]
        birth["child"]["full_name"] = f"Nguyễn Thị Con {i}"
        birth["medical_birth_certificate"]["number"] = f"GCS-{i:07d}"
        birth["mother"]["personal_id"] = f"040195{i:06d}"
        out.write(json.dumps(birth, ensure_ascii=False) + "\n")

with open(sys.argv[3], "w") as out:
    for i in range(allowance_n + support_n):
        allowance = i < allowance_n
        death = {
            "province": "40", "commune": communes[i % len(communes)], "received_at": "2026-11-20T09:00:00+07:00",
            "deceased": {"full_name": f"Lê Văn Số {i}", "sex": "male", "date_of_birth": "1958-01-20",
                         "personal_id": f"040058{i:06d}"},
            "death": {"date": "2026-11-18", "time": "14:20", "place": "Bệnh viện Đa khoa Nghệ An", "cause": "bệnh"},
            "death_notice": {"number": f"GBT-{i:07d}", "issuer": "Bệnh viện Đa khoa Nghệ An"},
            "declarant": {"full_name": "Lê Thị Hoa", "relationship": "daughter", "personal_id": "040185000321"},
            "entitlement": {"social_insurance_code": "4012345678", "pensioner": True} if allowance else {"social_assistance": True},
            "beneficiary": {"full_name": "Lê Thị Hoa", "relationship": "daughter", "payment": "bank", "account": "0123456789"},
        }
        out.write(json.dumps(death, ensure_ascii=False) + "\n")

print(births_n, allowance_n, support_n)
