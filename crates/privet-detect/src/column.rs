//! What a column header or field path says about its values.
//!
//! Headers are split into lower-case words (`customerEmail`, `cc_num`,
//! `customer.billing.email`). In English compounds the last word is the head:
//! `email_verified_at` is a time, `order_email` is an e-mail address. So the
//! last word that names a type or an identifier decides.

use privet_types::PiiType;

/// The column context of structured values, built once per column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnContext {
    evidence: Option<PiiType>,
    negative: bool,
    attribute: bool,
}

/// A header word's meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Word {
    Type(PiiType),
    /// An identifier, quantity or time: numbers under it are not personal data.
    Identifier,
    /// A non-personal attribute (city, country, company, status...): whole
    /// values under it are not judged as names or addresses.
    Attribute,
    /// Says nothing.
    Neutral,
}

/// Words that turn a following "name" into something other than a person's name.
const NOT_PERSON: &[&str] = &[
    "product",
    "file",
    "user",
    "company",
    "host",
    "domain",
    "item",
    "app",
    "table",
    "column",
    "field",
    "key",
    "brand",
    "org",
    "organization",
    "organisation",
    "business",
    "store",
    "shop",
    "project",
    "dir",
    "folder",
    "path",
    "class",
    "type",
    "category",
    "tag",
    "server",
    "database",
    "db",
    "bucket",
    "event",
    "plan",
    "service",
    "device",
    "model",
    "city",
    "country",
    "street",
    "region",
    "state",
    "bank",
    "merchant",
    "vendor",
    "group",
    "team",
    "role",
    "screen",
    "nick",
    "display",
    "dept",
    "department",
    "branch",
    "campaign",
    "list",
    "queue",
    "topic",
    "job",
    "task",
];

/// Words after "card" that describe the card rather than hold its number.
const CARD_ATTRIBUTE: &[&str] = &[
    "type",
    "brand",
    "exp",
    "expiry",
    "expiration",
    "last4",
    "holder",
    "token",
    "fingerprint",
    "network",
    "issuer",
    "bin",
    "country",
    "name",
    "status",
];

/// Words before "address" that make it a non-postal address.
const NOT_POSTAL: &[&str] = &[
    "email", "mail", "ip", "mac", "remote", "web", "url", "wallet", "btc", "eth", "server", "host",
    "ipv4", "ipv6", "client", "peer", "bind", "listen", "memory", "mem",
];

fn word(w: &str, prev: Option<&str>, next: Option<&str>) -> Word {
    use PiiType::*;
    let ty = match w {
        "email" | "mail" | "emailaddress" | "emails" => Some(Email),
        "phone" | "telephone" | "tel" | "mobile" | "cell" | "cellphone" | "fax" | "msisdn"
        | "phonenumber" | "whatsapp" | "mob" | "phones" => Some(Phone),
        "pan" | "ccnum" | "ccnumber" | "cardnumber" | "creditcard" | "cc" | "cardnum" => {
            Some(CardNumber)
        }
        "card" if next.is_none_or(|n| !CARD_ATTRIBUTE.contains(&n)) => Some(CardNumber),
        "ssn" | "socialsecuritynumber" | "socialsecurity" => Some(UsSsn),
        "social" if next == Some("security") => Some(UsSsn),
        "iban" => Some(Iban),
        "ip" | "ipaddress" | "ipaddr" | "ipv4" | "ipv6" | "remoteaddr" | "clientip" => {
            Some(IpAddress)
        }
        "url" | "uri" | "link" | "website" | "homepage" | "href" | "webpage" => Some(Url),
        "dob" | "birthday" | "birthdate" | "dateofbirth" | "birth" | "born" | "bday"
        | "geburtsdatum" => Some(DateOfBirth),
        "firstname" | "lastname" | "fullname" | "surname" | "givenname" | "familyname"
        | "forename" | "middlename" | "vorname" | "nachname" | "nombre" | "apellido" => {
            Some(PersonName)
        }
        "name" if prev.is_none_or(|p| !NOT_PERSON.contains(&p)) => Some(PersonName),
        "address" | "addr" if prev.is_none_or(|p| !NOT_POSTAL.contains(&p)) => Some(StreetAddress),
        "street" | "streetaddress" | "address1" | "address2" | "addressline1" | "addressline2"
        | "line1" | "line2" => Some(StreetAddress),
        "password" | "passwd" | "pwd" | "passphrase" | "secret" | "apikey" | "privatekey"
        | "accesstoken" | "accesskey" | "secretkey" | "credential" | "credentials" => Some(Secret),
        "token" if next.is_none_or(|n| !matches!(n, "type" | "expires" | "expiry" | "count")) => {
            Some(Secret)
        }
        "cvv" | "cvc" | "cvv2" | "cvc2" | "securitycode" | "cardcode" | "cardverification" => {
            Some(CardSecurityCode)
        }
        "expiry" | "expiration" | "expdate" | "expirydate" | "expirationdate" | "cardexpiry"
        | "cardexp" => Some(CardExpiry),
        "nino" | "nationalinsurance" | "nationalinsurancenumber" | "ninumber" => Some(UkNino),
        "nhs" | "nhsnumber" | "nhsno" => Some(UkNhs),
        "sin" | "socialinsurancenumber" => Some(CaSin),
        "nir" | "insee" => Some(FrNir),
        "dni" | "nie" => Some(EsDni),
        "codicefiscale" | "fiscalcode" => Some(ItFiscalCode),
        "steuerid" | "steueridentifikationsnummer" | "idnr" => Some(DeTaxId),
        "bsn" | "burgerservicenummer" => Some(NlBsn),
        "aadhaar" | "aadhar" => Some(InAadhaar),
        "pannumber" | "pancard" => Some(InPan),
        "cpf" => Some(BrCpf),
        "cnpj" => Some(BrCnpj),
        "tfn" | "taxfilenumber" => Some(AuTfn),
        "medicare" | "medicarenumber" => Some(AuMedicare),
        "nric" => Some(SgNric),
        "itin" => Some(UsItin),
        "routing" | "routingnumber" | "aba" | "rtn" => Some(AbaRouting),
        "imei" => Some(Imei),
        "vin" => Some(Vin),
        "macaddress" | "hwaddr" => Some(MacAddress),
        "wallet" | "walletaddress" | "btcaddress" => Some(CryptoWallet),
        "passport" | "passportnumber" | "passportno" => Some(Passport),
        "driverslicense" | "driverlicense" | "drivinglicence" | "drivinglicense"
        | "licensenumber" | "licencenumber" | "dlnumber" => Some(DriversLicense),
        "mrn" | "medicalrecordnumber" | "medicalrecord" | "patientid" => Some(MedicalRecord),
        _ => None,
    };
    if let Some(ty) = ty {
        return Word::Type(ty);
    }
    match w {
        "id" | "ids" | "uuid" | "guid" | "sku" | "order" | "orders" | "tracking" | "version"
        | "ver" | "price" | "amount" | "total" | "subtotal" | "qty" | "quantity" | "count"
        | "invoice" | "ref" | "reference" | "hash" | "checksum" | "sha" | "md5" | "created"
        | "updated" | "modified" | "deleted" | "timestamp" | "ts" | "at" | "time" | "status"
        | "balance" | "cost" | "fee" | "isbn" | "ean" | "upc" | "gtin" | "serial" | "build"
        | "txn" | "transaction" | "session" | "request" | "trace" | "span" | "batch" | "lot"
        | "ticket" | "year" | "duration" | "size" | "length" | "width" | "height" | "weight"
        | "score" | "rating" | "latitude" | "longitude" | "lat" | "lng" | "lon" | "port"
        | "pid" | "index" | "idx" | "rank" | "seq" | "sequence" | "revision" | "rev" | "sum"
        | "tax" | "discount" | "shipment" | "parcel" | "receipt" | "booking" | "confirmation"
        | "code" | "last4" => Word::Identifier,
        "city" | "town" | "country" | "state" | "province" | "region" | "county" | "zip"
        | "zipcode" | "postal" | "postcode" | "company" | "organization" | "organisation"
        | "employer" | "product" | "category" | "currency" | "language" | "locale" | "timezone"
        | "tz" | "gender" | "title" | "department" | "role" | "plan" | "tier" | "source"
        | "channel" | "segment" | "color" | "colour" | "brand" | "type" | "kind" | "label"
        | "description" | "comment" | "level" => Word::Attribute,
        _ => Word::Neutral,
    }
}

/// Lower-case words of one path segment, split on punctuation and camelCase.
fn words(segment: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in segment.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The last decisive word of `ws` (also trying adjacent pairs joined, so
/// `date_of_birth`, `first_name` and `e_mail` read as one word).
fn decide(ws: &[String]) -> Option<Word> {
    let mut verdict = None;
    let mut i = 0;
    while i < ws.len() {
        let prev = i.checked_sub(1).map(|p| ws[p].as_str());
        let next = ws.get(i + 1).map(String::as_str);
        // Joined forms first: "date of birth", "first name", "social security number".
        let joined3 = (i + 2 < ws.len()).then(|| format!("{}{}{}", ws[i], ws[i + 1], ws[i + 2]));
        let joined2 = next.map(|n| format!("{}{n}", ws[i]));
        let mut consumed = 1;
        let mut w = Word::Neutral;
        if let Some(j) = &joined3
            && let Word::Type(t) = word(j, prev, ws.get(i + 3).map(String::as_str))
        {
            w = Word::Type(t);
            consumed = 3;
        }
        if consumed == 1
            && let Some(j) = &joined2
            && let Word::Type(t) = word(j, prev, ws.get(i + 2).map(String::as_str))
        {
            w = Word::Type(t);
            consumed = 2;
        }
        if consumed == 1 {
            w = word(&ws[i], prev, next);
        }
        if w != Word::Neutral {
            verdict = Some(w);
        }
        i += consumed;
    }
    verdict
}

impl ColumnContext {
    /// Reads a header name or dotted field path (`customer.billing.email`,
    /// `DOB`, `cc_num`, `order_id`). The last path segment decides; the whole
    /// path is consulted when that segment says nothing (`phone.number`).
    pub fn from_header(name: &str) -> ColumnContext {
        let last = name.rsplit(['.', '/', '>']).next().unwrap_or(name);
        let verdict = decide(&words(last)).or_else(|| decide(&words(name)));
        match verdict {
            Some(Word::Type(ty)) => ColumnContext {
                evidence: Some(ty),
                negative: false,
                attribute: false,
            },
            Some(Word::Identifier) => ColumnContext {
                evidence: None,
                negative: true,
                attribute: false,
            },
            Some(Word::Attribute) => ColumnContext {
                evidence: None,
                negative: false,
                attribute: true,
            },
            _ => ColumnContext::none(),
        }
    }

    /// A column nothing is known about.
    pub fn none() -> ColumnContext {
        ColumnContext {
            evidence: None,
            negative: false,
            attribute: false,
        }
    }

    /// The header names a non-personal attribute (`city`, `country`,
    /// `company`, `status`...), so whole values are not judged as names.
    pub fn attribute(&self) -> bool {
        self.attribute
    }

    /// The type the header names, if any.
    pub fn evidence(&self) -> Option<PiiType> {
        self.evidence
    }

    /// The header names an identifier, quantity or time (`order_id`, `sku`,
    /// `tracking_number`, `version`, `price`, `created_at`...).
    pub fn negative(&self) -> bool {
        self.negative
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PiiType::*;

    #[test]
    fn headers() {
        let cases: &[(&str, Option<PiiType>, bool)] = &[
            ("email", Some(Email), false),
            ("customer.billing.email", Some(Email), false),
            ("customerEmail", Some(Email), false),
            ("E-Mail", Some(Email), false),
            ("email_verified_at", None, true),
            ("DOB", Some(DateOfBirth), false),
            ("date_of_birth", Some(DateOfBirth), false),
            ("birth_date", Some(DateOfBirth), false),
            ("birthday", Some(DateOfBirth), false),
            ("created_at", None, true),
            ("cc_num", Some(CardNumber), false),
            ("card_number", Some(CardNumber), false),
            ("card_type", None, false),
            ("order_id", None, true),
            ("tracking_number", None, true),
            ("ip", Some(IpAddress), false),
            ("client_ip", Some(IpAddress), false),
            ("ssn", Some(UsSsn), false),
            ("social_security_number", Some(UsSsn), false),
            ("phone_number", Some(Phone), false),
            ("contact.phone", Some(Phone), false),
            ("first_name", Some(PersonName), false),
            ("last_name", Some(PersonName), false),
            ("full_name", Some(PersonName), false),
            ("customer_name", Some(PersonName), false),
            ("name", Some(PersonName), false),
            ("product_name", None, false),
            ("username", None, false),
            ("street_address", Some(StreetAddress), false),
            ("billing.address.line1", Some(StreetAddress), false),
            ("email_address", Some(Email), false),
            ("ip_address", Some(IpAddress), false),
            ("iban", Some(Iban), false),
            ("password", Some(Secret), false),
            ("price", None, true),
            ("version", None, true),
            ("notes", None, false),
            ("zip", None, false),
            ("city", None, false),
        ];
        for (h, ev, neg) in cases {
            let c = ColumnContext::from_header(h);
            assert_eq!((c.evidence(), c.negative()), (*ev, *neg), "{h}");
        }
    }
}
