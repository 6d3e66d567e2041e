"""Writes src/templates/data/sms-decompositions.json: the downgrade notifications-utils'
SanitiseText.downgrade_character finds by decomposition (notifications_utils/sanitise_text.py).

For a character outside SanitiseSMS.ALLOWED_CHARACTERS whose Unicode decomposition is canonical
(no "<tag>"), Notify takes the first code point of that one-level decomposition and keeps it when
it is allowed. JavaScript has no one-level decomposition (String.prototype.normalize decomposes
fully: Notify turns U+212B ANGSTROM SIGN into Å, NFD would give A), so the table is taken from
Python's unicodedata, as Notify does. Run: python3 scripts/sms-decompositions.py
"""

import json
import pathlib
import unicodedata

# SanitiseSMS.GSM_CHARACTERS | EXTENDED_GSM_CHARACTERS | WELSH_DIACRITICS, from sanitise_text.py
GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
) | set("^{}\\[~]|€")
WELSH = set("àèìòùẁỳÀÈÌÒÙẀỲáéíóúẃýÁÉÍÓÚẂÝäëïöüẅÿÄËÏÖÜẄŸâêîôûŵŷÂÊÎÔÛŴŶ")
ALLOWED = GSM | WELSH

table = {}
for code_point in range(0x110000):
    c = chr(code_point)
    if c in ALLOWED:
        continue
    decomposed = unicodedata.decomposition(c)
    if decomposed == "" or "<" in decomposed:
        continue
    first = decomposed.split()[0]
    if len(first) == 4 and chr(int(first, 16)) in ALLOWED:
        table[c] = chr(int(first, 16))

out = {
    "source": "Python unicodedata " + unicodedata.unidata_version + " by scripts/sms-decompositions.py, following "
    "notifications-utils notifications_utils/sanitise_text.py SanitiseText.downgrade_character",
    "decompositions": table,
}
path = pathlib.Path(__file__).resolve().parent.parent / "src" / "templates" / "data" / "sms-decompositions.json"
path.write_text(json.dumps(out, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
print(len(table), "characters")
