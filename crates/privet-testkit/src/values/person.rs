//! People's names, from lists written for this generator.
//!
//! These lists are hand-written and international on purpose. They are NOT
//! taken from census files: the detector draws its name knowledge from public
//! census data, and the accuracy test must show it works on names it was not
//! built from. Names keep their diacritics, so byte offsets get exercised.

use crate::rng::Gen;

/// One naming tradition: given names, family names, and whether the family
/// name is often written first.
struct Culture {
    given: &'static [&'static str],
    family: &'static [&'static str],
    family_first: bool,
}

const CULTURES: &[Culture] = &[
    // English-speaking
    Culture {
        given: &[
            "Olivia", "Liam", "Harper", "Mason", "Abigail", "Wyatt", "Madison", "Caleb",
            "Savannah", "Grayson", "Brooke", "Tucker", "Delaney", "Colton",
        ],
        family: &[
            "Whitfield",
            "Hargrove",
            "Pemberton",
            "Callahan",
            "Ashworth",
            "Donnelly",
            "McAllister",
            "Thornbury",
            "Bradshaw",
            "Kingsley",
            "Fairbanks",
            "Ellsworth",
        ],
        family_first: false,
    },
    // Hispanic
    Culture {
        given: &[
            "José",
            "María",
            "Alejandro",
            "Lucía",
            "Santiago",
            "Valentina",
            "Joaquín",
            "Ximena",
            "Mateo",
            "Guadalupe",
            "Rodrigo",
            "Itzel",
        ],
        family: &[
            "García López",
            "Hernández",
            "Ramírez",
            "Castañeda",
            "Villanueva",
            "Ortega",
            "Beltrán",
            "Zamora",
            "Fuentes Ruiz",
            "Quintero",
            "Saavedra",
            "Montoya",
        ],
        family_first: false,
    },
    // German
    Culture {
        given: &[
            "Lukas",
            "Annika",
            "Jürgen",
            "Friederike",
            "Maximilian",
            "Henrike",
            "Torben",
            "Wiebke",
            "Matthias",
            "Sönke",
            "Ulrike",
            "Björn",
        ],
        family: &[
            "Müller",
            "Schäfer",
            "Hoffmann",
            "Weißenborn",
            "Krüger",
            "Brandt",
            "Vogelsang",
            "Oberländer",
            "Kessler",
            "Lindqvist",
            "Hausmann",
            "Stöckl",
        ],
        family_first: false,
    },
    // French
    Culture {
        given: &[
            "Camille",
            "Théo",
            "Élodie",
            "Baptiste",
            "Margaux",
            "Gaspard",
            "Solène",
            "Timothée",
            "Anaïs",
            "Aurélien",
            "Clémence",
            "Benoît",
        ],
        family: &[
            "Lefèvre",
            "Moreau",
            "Girard",
            "Rousseau",
            "Fontaine",
            "Chevalier",
            "Lambert",
            "Dubois",
            "Marchand",
            "Gauthier",
            "Perrin",
            "Delacroix",
        ],
        family_first: false,
    },
    // Italian
    Culture {
        given: &[
            "Giulia",
            "Lorenzo",
            "Chiara",
            "Alessandro",
            "Francesca",
            "Matteo",
            "Beatrice",
            "Tommaso",
            "Ginevra",
            "Riccardo",
            "Serena",
            "Niccolò",
        ],
        family: &[
            "Bianchi", "Esposito", "Colombo", "Ferraro", "Gallo", "Conti", "De Luca", "Mancini",
            "Barbieri", "Lombardi", "Moretti", "Santoro",
        ],
        family_first: false,
    },
    // Indian
    Culture {
        given: &[
            "Priya",
            "Arjun",
            "Ananya",
            "Vikram",
            "Kavya",
            "Rohan",
            "Meenakshi",
            "Siddharth",
            "Lakshmi",
            "Aditya",
            "Deepika",
            "Karthik",
        ],
        family: &[
            "Raghunathan",
            "Iyer",
            "Chatterjee",
            "Deshpande",
            "Venkataraman",
            "Banerjee",
            "Kulkarni",
            "Reddy",
            "Subramanian",
            "Malhotra",
            "Nair",
            "Chaudhary",
        ],
        family_first: false,
    },
    // Chinese (pinyin)
    Culture {
        given: &[
            "Wei", "Xiaoling", "Jianhong", "Meiling", "Zhiwei", "Yuxuan", "Haoran", "Shuang",
            "Ziyi", "Junjie", "Lihua", "Qiang",
        ],
        family: &[
            "Wang", "Zhang", "Liu", "Chen", "Huang", "Zhao", "Zhou", "Xu", "Sun", "Guo", "Luo",
            "Zheng",
        ],
        family_first: true,
    },
    // Vietnamese
    Culture {
        given: &[
            "Thanh",
            "Minh Anh",
            "Quang",
            "Thu Trang",
            "Duc",
            "Bao Ngoc",
            "Tuan",
            "Phuong",
            "Khanh",
            "Hoang",
            "Linh",
            "Huy",
        ],
        family: &[
            "Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui", "Do", "Ngo", "Duong",
            "Ly",
        ],
        family_first: true,
    },
    // Nigerian (Yoruba, Igbo, Hausa)
    Culture {
        given: &[
            "Oluwaseun",
            "Chiamaka",
            "Adebayo",
            "Ngozi",
            "Emeka",
            "Folasade",
            "Chukwudi",
            "Yetunde",
            "Abubakar",
            "Zainab",
            "Ifeoma",
            "Tunde",
        ],
        family: &[
            "Adeyemi", "Okonkwo", "Balogun", "Eze", "Okafor", "Adebisi", "Nwosu", "Ogunleye",
            "Danjuma", "Obi", "Afolabi", "Chukwu",
        ],
        family_first: false,
    },
    // Arabic
    Culture {
        given: &[
            "Ahmed", "Fatima", "Omar", "Layla", "Youssef", "Mariam", "Khalid", "Noor", "Hamza",
            "Rania", "Tariq", "Salma",
        ],
        family: &[
            "Al-Mansouri",
            "Haddad",
            "Nasser",
            "El-Sayed",
            "Khoury",
            "Rahman",
            "Al-Farsi",
            "Saleh",
            "Aziz",
            "Mahmoud",
            "Bakr",
            "Qasim",
        ],
        family_first: false,
    },
    // Japanese
    Culture {
        given: &[
            "Kenji", "Yuki", "Haruto", "Sakura", "Takeshi", "Aoi", "Ren", "Misaki", "Daichi",
            "Hina", "Sota", "Emiko",
        ],
        family: &[
            "Watanabe",
            "Takahashi",
            "Yamamoto",
            "Nakamura",
            "Kobayashi",
            "Saito",
            "Matsumoto",
            "Inoue",
            "Kimura",
            "Hayashi",
            "Shimizu",
            "Fujita",
        ],
        family_first: false,
    },
    // Korean
    Culture {
        given: &[
            "Ji-woo", "Min-jun", "Seo-yeon", "Do-hyun", "Ha-eun", "Jae-won", "Su-bin", "Hyun-woo",
            "Ye-jin", "Sung-min", "Eun-ji", "Tae-yang",
        ],
        family: &[
            "Kim", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Shin",
            "Seo",
        ],
        family_first: false,
    },
    // Polish and Czech
    Culture {
        given: &[
            "Łukasz",
            "Agnieszka",
            "Wojciech",
            "Małgorzata",
            "Tomasz",
            "Zofia",
            "Jiří",
            "Kateřina",
            "Krzysztof",
            "Barbora",
            "Paweł",
            "Zuzana",
        ],
        family: &[
            "Kowalczyk",
            "Wiśniewska",
            "Dvořák",
            "Zieliński",
            "Nowotny",
            "Lewandowska",
            "Procházka",
            "Wójcik",
            "Svoboda",
            "Kamińska",
            "Jabłoński",
            "Novák",
        ],
        family_first: false,
    },
    // Turkish and Greek
    Culture {
        given: &[
            "Emre", "Elif", "Burak", "Zeynep", "Mehmet", "Ayşe", "Dimitris", "Eleni", "Nikos",
            "Katerina", "Yannis", "Sofia",
        ],
        family: &[
            "Yılmaz",
            "Öztürk",
            "Demir",
            "Aydın",
            "Çelik",
            "Papadopoulos",
            "Georgiou",
            "Konstantinou",
            "Nikolaidis",
            "Karagiannis",
            "Şahin",
            "Doğan",
        ],
        family_first: false,
    },
];

/// A person: given and family name as written in the corpus.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Person {
    /// Given name (may hold two words, e.g. "Minh Anh").
    pub(crate) given: &'static str,
    /// Family name (may hold two words, e.g. "García López").
    pub(crate) family: &'static str,
    /// Whether this person's name is customarily written family name first.
    family_first: bool,
}

impl Person {
    /// A random person; most keep one tradition, a few mix (as real customers do).
    pub(crate) fn random(g: &mut Gen) -> Self {
        let c = g.pick(CULTURES);
        let given = g.word(c.given);
        let source = if g.chance(0.1) { g.pick(CULTURES) } else { c };
        let family = g.word(source.family);
        Self {
            given,
            family,
            family_first: c.family_first,
        }
    }

    /// The full name in the customary order, sometimes with a middle initial.
    pub(crate) fn full(&self, g: &mut Gen) -> String {
        if self.family_first && g.chance(0.5) {
            return format!("{} {}", self.family, self.given);
        }
        if g.chance(0.12) {
            let initial = char::from(b'A' + g.range(0, 25) as u8);
            return format!("{} {initial}. {}", self.given, self.family);
        }
        format!("{} {}", self.given, self.family)
    }

    /// "Family, Given" as directories and CRMs print it.
    pub(crate) fn inverted(&self) -> String {
        format!("{}, {}", self.family, self.given)
    }

    /// A courtesy title for "Ms. Moreau": the title is not part of the name
    /// (as in the usual NER conventions), so callers write it unlabeled.
    pub(crate) fn title(g: &mut Gen) -> &'static str {
        g.word(&["Mr.", "Ms.", "Mrs.", "Dr.", "Mx."])
    }
}

/// Fold the Latin letters with diacritics these lists use to plain ASCII, for
/// e-mail local parts; other characters are dropped unless ASCII alphanumeric.
pub(crate) fn ascii_fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let m = match c {
                'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
                'é' | 'è' | 'ê' | 'ë' | 'ě' => 'e',
                'í' | 'ì' | 'î' | 'ï' | 'ı' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
                'ú' | 'ù' | 'û' | 'ü' | 'ů' => 'u',
                'ñ' | 'ń' => 'n',
                'ç' | 'č' => 'c',
                'ß' => 's',
                'ł' | 'Ł' => 'l',
                'ś' | 'š' | 'ş' | 'Ş' => 's',
                'ř' => 'r',
                'ž' | 'ź' | 'ż' => 'z',
                'ğ' => 'g',
                'ý' => 'y',
                'É' => 'E',
                'Ö' => 'O',
                'Ç' => 'C',
                c if c.is_ascii_alphanumeric() => c,
                _ => return None,
            };
            Some(m)
        })
        .collect()
}
