"""Writes notify-postal-addresses.jsonl: random addresses (raw text, or personalisation with snake_case keys)
and what notifications-utils' PostalAddress makes of them, with the error notifications-api's validate_address
gives first. test/recipients/postal-address.test.ts checks that src/recipients/postal-address.ts agrees.

Run from a checkout of alphagov/notifications-utils (Python 3.12+), with stand-ins for the two packages
formatters.py imports but the address code does not use:

    mkdir -p stubs
    printf 'tags_to_skip = []\nclass Attr:\n    q = 1\n    u = 2\n' > stubs/smartypants.py
    printf 'class Markup(str):\n    pass\n' > stubs/markupsafe.py
    python3 notify-postal-addresses.py 7 1000   # seed, count; writes notify-postal-addresses.jsonl here
"""

import json, random, sys
sys.path[:0] = ['stubs', '.']
from notifications_utils.recipient_validation.postal_address import PostalAddress

# notifications-api, app/notifications/validators.py validate_address: its checks, order and messages.
def error(a):
    if not a.has_enough_lines: return "Address must be at least 3 lines"
    if a.has_too_many_lines: return "Address must be no more than 7 lines"
    if not a.has_alphanumeric_character_in_address_lines_1_and_2: return "The first 2 lines of the address must both include at least one alphanumeric character"
    if a.has_invalid_country_for_bfpo_address: return "The last line of a BFPO address must not be a country."
    if not a.has_valid_last_line:
        return "Last line of address must be a real UK postcode or another country" if a.allow_international_letters else "Must be a real UK postcode"
    if a.has_invalid_characters: return "Address lines must not start with any of the following characters: @ ( ) = [ ] \u201d \\ / , < >"
    if a.has_no_fixed_abode_address: return "Must be a real address"
    return None

pool = ['Ms A Person', '1 High Street', 'Flat 2, 3 Road ,', '  London  ', 'City of Town', 'SW1A 1AA', 'sw1a1aa', 'S W1 A 1 AA',
 'EH1 1TG', 'JE2 3XP', 'GY1 1AA', 'IM1 1AA', 'BF1 1AA', 'bf11aa', 'NF1 1AA', 'GIR 0AA', 'GX11 1AA', 'SW1A 1AC', 'SO14 6WB',
 'United Kingdom', 'UK', 'U.K.', 'Scotland', 'Wales', 'Cymru', 'England', 'Northern Ireland', 'GB', 'GBR', 'Great Britain',
 'Jersey', 'Guernsey', 'Isle of Man', 'Sark', 'Channel Islands', 'France', 'france', 'Deutschland', 'Yr Almaen', 'Ffrainc',
 'u.s.a', 'USA', 'America', 'Gambia', 'The Gambia', "Côte d'Ivoire", 'ESPAÑA', 'Россия', 'Japan', 'Canary Islands', 'Tenerife',
 'Ireland', 'ROI', 'Republic of Ireland', 'Czechoslovakia', 'Yugoslavia', 'USSR', 'East Germany', 'Gibraltar', 'Vatican',
 'BFPO', 'BFPO 1234', 'bfpo c/o 1', 'BFPO1', 'BFPO 0', 'bfpo', 'NFA', 'nfa', 'No fixed abode', 'a no fixed address b',
 '(bracket', '[square', '@at', '=eq', '"quote', '\\back', '/slash', ',comma', '<lt', '>gt', '~tilde', '#hash', '!!!', '???',
 '...', '- -', 'Ελένη', '12', '42 Example St .', 'Line\u00a0with\u202fspaces', 'zero\u200bwidth', 'tab\there', '', '   ',
 ', , ,', 'Senedd Cymru', 'Cardiff', 'CF99 1SN', '75001 Paris', 'Berlin', 'Unit 5', 'Mx One', '123', 'Korea', 'Burma',
 'Hawaii', 'Macedonia', 'Eswatini', 'Swaziland', 'Azores', 'Madeira', 'St Helena', 'Falklands', 'Antarctica', 'Qumran']
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
count = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
keys = ['address_line_%d' % i for i in range(1, 8)] + ['postcode']
cases = []
for i in range(count):
    intl = random.choice([True, False])
    if i % 2:
        p = {}
        for key in random.sample(keys, random.randint(2, 8)):
            p[key] = random.choice(pool + [None, '', 0, 123])
        cases.append([None, p, intl])
        continue
    n = random.choice([1,2,3,3,3,4,4,5,6,7,8,9])
    lines = [random.choice(pool) for _ in range(n)]
    sep = random.choice(['\n', '\n', '\r\n', '\n\n'])
    raw = sep.join(lines)
    cases.append([raw, None, intl])
out = []
for raw, p, intl in cases:
    try:
        if p is None:
            a = PostalAddress(raw, allow_international_letters=intl)
        else:
            a = PostalAddress.from_personalisation(p, allow_international_letters=intl)
        r = dict(normalisedLines=a.normalised_lines, postcode=a.postcode, country=a.country.canonical_name, postage=a.postage,
                 international=a.international, bfpoNumber=a.bfpo_number, valid=a.valid, error=error(a))
    except Exception as e:
        r = dict(exception=type(e).__name__)
    case = dict(raw=raw) if p is None else dict(personalisation=p)
    out.append(dict(case, allowInternational=intl, expected=r))
out = [o for o in out if 'exception' not in o['expected']]
with open('notify-postal-addresses.jsonl', 'w') as f:
    for o in out:
        f.write(json.dumps(o, ensure_ascii=False) + '\n')
print(len(out), sum(1 for o in out if o['expected'].get('error') is None and 'exception' not in o['expected']))
