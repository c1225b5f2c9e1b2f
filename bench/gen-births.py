#!/usr/bin/env python3
"""Writes N valid, distinct birth declarations as JSON Lines (for benchmarks and soak tests)."""
import json
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
base = {
    "province": "40", "commune": "17986",
    "received_at": "2026-11-20T09:00:00+07:00",
    "child": {"full_name": "", "sex": "female", "date_of_birth": "2026-11-15",
              "place_of_birth": "Bệnh viện Sản Nhi Nghệ An", "ethnicity": "Kinh", "nationality": "Việt Nam"},
    "medical_birth_certificate": {"number": "", "issuer": "Bệnh viện Sản Nhi Nghệ An"},
    "mother": {"full_name": "Trần Thị Bình", "date_of_birth": "1995-03-02", "personal_id": ""},
    "father": {"full_name": "Nguyễn Văn Cường", "date_of_birth": "1993-07-09", "personal_id": "040093000456"},
    "declarant": {"full_name": "Nguyễn Văn Cường", "relationship": "father", "personal_id": "040093000456"},
    "residence_registration": {"address": "Khối 13, phường Trường Vinh, Nghệ An"},
    "health_insurance": {"facility": "Trạm y tế phường Trường Vinh"},
}
communes = ["17986", "17987", "17988", "17989"]
out = sys.stdout
for i in range(n):
    base["commune"] = communes[i % len(communes)]
    base["child"]["full_name"] = f"Nguyễn Thị Con {i}"
    base["medical_birth_certificate"]["number"] = f"GCS-{i:07d}"
    base["mother"]["personal_id"] = f"040195{i:06d}"
    out.write(json.dumps(base, ensure_ascii=False) + "\n")
