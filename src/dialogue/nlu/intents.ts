import type { Intent, Service } from './schema.ts';

/**
 * What the NLU knows, as data. Adding a phrase is a one-line change.
 *
 * A pattern line is [target, weight, pattern]:
 * - `a|b|c` lists alternative phrases; each one scores `weight` when the message contains it as a whole unit.
 *   Units are cut leftmost-longest over all phrases, so "hủy liên kết" is one unit and does not also count as
 *   "hủy" (cancel) or "liên kết" (link_identity).
 * - `x|y + z` is a combination: it adds `weight` when every part appears anywhere, also inside longer units.
 * Phrases are written as people type them; they are folded (no diacritics) and abbreviations are expanded when
 * the matcher is built, so "LLTP" in a pattern means "ly lich tu phap".
 * Targets beyond the intents: `frustration` (sets `frustrated`), `neutral` (consumed without scoring, to keep
 * look-alike words from matching: "đúng rồi" is not "dừng").
 * Weights: 4 a decisive phrase, 3 a strong word, 2 suggestive, 1 a hint.
 */
export type PatternTarget = Intent | 'frustration' | 'neutral';
export type PatternLine = readonly [PatternTarget, number, string];

export const INTENT_PATTERNS: readonly PatternLine[] = [
  // greeting
  ['greeting', 4, 'xin chào|chào bạn|chào anh|chào chị|chào em|chào ad|chào admin|chào bot|chào buổi sáng'],
  ['greeting', 3.5, 'chào|hello|hi|hey|alo|helo|hii|good morning|good afternoon|good evening|bắt đầu|start'],
  ['greeting', 2, 'bạn ơi|ad ơi|em ơi|shop ơi|ơi'],

  // help
  ['help', 4, 'trợ giúp|hướng dẫn|menu|help|giúp tôi|giúp mình|giúp em|giúp với|cần giúp|cần giúp đỡ'],
  ['help', 4, 'bạn làm được gì|bạn làm được những gì|bạn giúp được gì|có thể làm gì|làm được gì|chức năng'],
  ['help', 4, 'what can you do|help me|how does this work|options|commands'],
  ['help', 3, 'giúp|giúp đỡ|hỗ trợ|hỗ trợ tôi|cần hỗ trợ|tư vấn|danh sách dịch vụ|dịch vụ'],
  ['help', 3, 'phải làm gì|phải làm sao|làm gì tiếp|làm gì bây giờ'],
  // A newcomer's first question: longer than the greeting's "bắt đầu" / "start", so it wins the unit.
  [
    'help',
    5,
    'bắt đầu từ đâu|bắt đầu thế nào|bắt đầu như thế nào|nên bắt đầu|where do i start|where should i start|where do i begin|where should i begin|how do i start|how do i begin',
  ],
  ['help', 1.5, 'cho hỏi|hỏi|làm sao|làm thế nào|như thế nào|thủ tục hành chính|dịch vụ công'],

  // link_identity
  [
    'link_identity',
    4.5,
    'liên kết vneid|liên kết tài khoản|xác thực danh tính|định danh tài khoản|kết nối vneid',
  ],
  [
    'link_identity',
    4.5,
    'xác thực tài khoản|xác minh danh tính|định danh điện tử|đăng nhập vneid|link vneid',
  ],
  [
    'link_identity',
    4.5,
    'link account|link my account|verify identity|verify my identity|log in|login|sign in',
  ],
  [
    'link_identity',
    3,
    'liên kết|vneid|xác thực|xác minh|định danh|đăng nhập|định danh mức 2|tài khoản định danh',
  ],
  [
    'link_identity',
    2,
    'căn cước công dân|chứng minh nhân dân|chứng minh thư|căn cước|số định danh|định danh cá nhân',
  ],
  ['link_identity', 2, 'entcccd'],
  ['link_identity', 1.5, 'liên kết|xác thực|nhập|cập nhật + căn cước công dân|số định danh|entcccd|vneid'],

  // criminal_record
  [
    'criminal_record',
    4.5,
    'phiếu lý lịch tư pháp|cấp lý lịch tư pháp|làm lý lịch tư pháp|xin lý lịch tư pháp',
  ],
  ['criminal_record', 4.5, 'phiếu số 1|phiếu số 2|lý lịch tư pháp số 1|lý lịch tư pháp số 2'],
  [
    'criminal_record',
    4,
    'lý lịch tư pháp|criminal record|police clearance|police certificate|background check',
  ],
  [
    'criminal_record',
    3,
    'phiếu lý lịch|lý lịch|án tích|tiền án|tiền sự|tiền án tiền sự|xác nhận không tiền án',
  ],
  ['criminal_record', 1.5, 'tư pháp'],
  ['criminal_record', 1.5, 'xin|làm|cấp + phiếu'],
  [
    'criminal_record',
    1.5,
    'làm|xin|cấp|đăng ký|muốn|cần|nộp|apply|request + lý lịch tư pháp|lý lịch|án tích',
  ],

  // health_record
  [
    'health_record',
    4.5,
    'sổ sức khỏe điện tử|sổ sức khỏe|hồ sơ sức khỏe|lịch sử khám bệnh|lịch sử khám chữa bệnh',
  ],
  ['health_record', 4.5, 'hồ sơ bệnh án|kết quả khám bệnh|kết quả khám|lịch sử tiêm chủng|lịch sử tiêm'],
  ['health_record', 4, 'health record|medical record|health book|medical history|vaccination record'],
  ['health_record', 3, 'sức khỏe|khám bệnh|bệnh án|tiêm chủng|lịch sử khám|khám chữa bệnh|khám sức khỏe'],
  ['health_record', 1.5, 'bảo hiểm y tế|bệnh viện|bác sĩ|trích xuất'],
  ['health_record', 1.5, 'xem|trích xuất|tải|lấy|xin|cần|muốn + sức khỏe|khám bệnh|bệnh án|tiêm chủng'],

  // request_status
  ['request_status', 4.5, 'đến đâu rồi|tới đâu rồi|kiểm tra trạng thái|tình trạng hồ sơ|trạng thái hồ sơ'],
  [
    'request_status',
    4.5,
    'tra cứu hồ sơ|tiến độ hồ sơ|theo dõi hồ sơ|hồ sơ của tôi|hồ sơ của mình|hồ sơ của em',
  ],
  [
    'request_status',
    4.5,
    'đã có kết quả chưa|có kết quả chưa|xong chưa|đã xong chưa|duyệt chưa|được duyệt chưa',
  ],
  ['request_status', 4, 'check status|application status|request status|my request|my application|track'],
  ['request_status', 4, 'entreqid|mã hồ sơ|status'],
  ['request_status', 3.5, 'đến đâu|tới đâu|trạng thái|tình trạng|tiến độ|tra cứu|theo dõi'],
  ['request_status', 2, 'hồ sơ|kết quả|đã nộp|kiểm tra|có chưa|chưa có'],
  ['request_status', 1, 'kiểm tra|tra cứu|xem + hồ sơ|yêu cầu|entreqid'],

  // fees_info
  [
    'fees_info',
    4.5,
    'bao nhiêu tiền|mất bao nhiêu tiền|hết bao nhiêu tiền|tốn bao nhiêu tiền|lệ phí|mức phí|phí',
  ],
  [
    'fees_info',
    4,
    'chi phí|giá bao nhiêu|miễn phí|giảm phí|miễn giảm|nộp tiền|đóng tiền|trả tiền|có mất phí',
  ],
  ['fees_info', 4, 'how much|fee|fees|cost|price|charge|pay'],
  ['fees_info', 3, 'hết bao nhiêu|tốn bao nhiêu|mất bao nhiêu|thanh toán|tiền|tốn kém'],
  ['fees_info', 1.5, 'giá|bao nhiêu|đồng'],
  // Not "giá + bao nhiêu": "giá vàng hôm nay bao nhiêu" asks a price Hoso does not handle.
  ['fees_info', 1, 'phí|lệ phí|tiền'],

  // documents_info
  [
    'documents_info',
    4.5,
    'giấy tờ gì|cần giấy tờ|giấy tờ cần|những giấy tờ|hồ sơ gồm|cần mang|mang theo|mang gì',
  ],
  [
    'documents_info',
    4.5,
    'chuẩn bị gì|cần chuẩn bị|cần những gì|cần có gì|cần gì|thành phần hồ sơ|điều kiện',
  ],
  ['documents_info', 4, 'documents|document|papers|requirements|what do i need|what should i bring'],
  ['documents_info', 3, 'giấy tờ|tài liệu|chuẩn bị|giấy ủy quyền|ủy quyền|bản sao|hồ sơ cần|yêu cầu gì'],

  // processing_time_info
  ['processing_time_info', 4.5, 'bao lâu|mất bao lâu|bao lâu thì có|mấy ngày|mất mấy ngày|bao nhiêu ngày'],
  [
    'processing_time_info',
    4.5,
    'thời gian xử lý|thời gian giải quyết|thời hạn giải quyết|bao giờ có|khi nào có',
  ],
  ['processing_time_info', 4.5, 'how long|processing time|how many days|when will i get|when can i get'],
  ['processing_time_info', 4, 'lâu không|có lâu không|nhanh không|có nhanh không|mấy hôm|bao giờ thì có'],
  ['processing_time_info', 3, 'thời gian|thời hạn|bao giờ|khi nào|ngày làm việc|trả kết quả'],

  // talk_to_staff
  [
    'talk_to_staff',
    5,
    'gặp nhân viên|gặp cán bộ|nói chuyện với nhân viên|nói chuyện với cán bộ|tổng đài viên',
  ],
  ['talk_to_staff', 5, 'nói chuyện với người|gặp người thật|người thật|hỗ trợ viên|tư vấn viên|chuyên viên'],
  [
    'talk_to_staff',
    5,
    'talk to a human|talk to human|speak to a human|real person|human agent|customer service',
  ],
  [
    'talk_to_staff',
    4,
    'nhân viên|cán bộ|tổng đài|hotline|gặp người|nói chuyện với ai|admin|human|agent|staff',
  ],
  ['talk_to_staff', 2, 'gọi điện|liên hệ|operator|someone|nói chuyện'],

  // change_language
  ['change_language', 5, 'đổi ngôn ngữ|chuyển ngôn ngữ|thay đổi ngôn ngữ|change language|switch language'],
  [
    'change_language',
    5,
    'english please|in english|speak english|nói tiếng anh|dùng tiếng anh|sang tiếng anh',
  ],
  ['change_language', 5, 'nói tiếng việt|dùng tiếng việt|sang tiếng việt|in vietnamese|speak vietnamese'],
  ['change_language', 5, 'không biết tiếng việt|không hiểu tiếng việt|don t speak vietnamese'],
  ['change_language', 4, 'tiếng việt|tiếng anh|english|vietnamese|ngôn ngữ|language|anh ngữ'],

  // privacy_export
  ['privacy_export', 5, 'xem dữ liệu của tôi|dữ liệu của tôi|dữ liệu của mình|tải dữ liệu|xuất dữ liệu'],
  ['privacy_export', 5, 'my data|export my data|download my data|my personal data|what data'],
  ['privacy_export', 4, 'dữ liệu cá nhân|thông tin cá nhân|lưu gì về tôi|lưu những gì|thông tin của tôi'],
  [
    'privacy_export',
    5,
    'what do you hold about me|what do you know about me|what do you have on me|what do you keep about me|what do you store about me|giữ thông tin gì|giữ gì về tôi|biết gì về tôi|có thông tin gì về tôi|có thông tin gì của tôi|lưu thông tin gì',
  ],
  ['privacy_export', 2, 'dữ liệu|data'],
  ['privacy_export', 1.5, 'xem|tải|xuất|lấy|gửi|export|download + dữ liệu|thông tin cá nhân|data'],

  // privacy_delete
  ['privacy_delete', 6, 'hủy liên kết|hủy bỏ liên kết|gỡ liên kết|ngắt liên kết|bỏ liên kết|xóa liên kết'],
  ['privacy_delete', 6, 'xóa dữ liệu|xóa hết dữ liệu|xóa thông tin|xóa tài khoản|rút lại đồng ý|rút đồng ý'],
  ['privacy_delete', 6, 'thu hồi đồng ý|thu hồi sự đồng ý|không đồng ý nữa|quên tôi|unlink'],
  [
    'privacy_delete',
    6,
    'delete my data|delete my account|erase my data|forget me|withdraw consent|remove my data',
  ],
  ['privacy_delete', 3, 'xóa|xóa hết|delete|erase|rút lại'],
  ['privacy_delete', 2, 'xóa|delete|erase|hủy + dữ liệu|thông tin|data|tài khoản'],

  // cancel
  [
    'cancel',
    4.5,
    'hủy bỏ|hủy yêu cầu|hủy hồ sơ|thôi không làm nữa|không làm nữa|không muốn nữa|không cần nữa|dừng lại',
  ],
  ['cancel', 4.5, 'cancel|never mind|nevermind|stop|quit|exit'],
  ['cancel', 4, 'hủy|thoát|thôi|bỏ qua|dừng đi|dừng thôi|thôi khỏi'],
  ['cancel', 2.5, 'quay lại|trở lại|back|khỏi'],
  ['cancel', 1.5, 'dừng'], // folds like "dùng", "đúng": too weak alone

  // thanks
  ['thanks', 5, 'cảm ơn|cảm ơn nhiều|cảm ơn bạn|cảm ơn nhé'],
  ['thanks', 3, 'tạm biệt|bye|goodbye|tuyệt vời|great|good job|hay quá|ok cảm ơn'],

  // frustration (sets `frustrated`; alone it routes to a human with a low confidence)
  [
    'frustration',
    4,
    'bực quá|bực mình|chán quá|chán thật|không hiểu gì cả|không hiểu gì|vô dụng|vớ vẩn|dở hơi',
  ],
  [
    'frustration',
    4,
    'tệ quá|quá tệ|tệ thật|tệ hại|điên quá|phát điên|điên mất|chán ghê|chán lắm|dở quá|dở tệ',
  ],
  [
    'frustration',
    4,
    'bot ngu|ngu quá|chẳng giúp được gì|không giúp được gì|mất thời gian|lâu quá|chờ mãi|đợi mãi',
  ],
  ['frustration', 4, 'useless|stupid|annoying|ridiculous|this is bad|wtf|bullshit'],
  ['frustration', 3, 'bực|khó quá|phức tạp quá|không hiểu|dm|vcl|vl'],

  // look-alikes consumed without scoring
  ['neutral', 0, 'đúng rồi|đúng vậy|đúng không|sử dụng|dùng được|gia đình|thời tiết|sơ yếu lý lịch'],
  ['neutral', 0, 'giá vàng|giá xăng|tiền điện|tiền nhà|khỏi bệnh|đau chân|bàn chân|chân tay'],
  // Questions outside Hoso's services that say "bao nhiêu" or "tiền" are not fee questions.
  [
    'neutral',
    0,
    'bằng bao nhiêu tiền|bằng bao nhiêu|đổi được bao nhiêu|tỷ giá|đô la|tiền việt|tiền đô|tiền lương|giá nhà|giá đất',
  ],
  [
    'neutral',
    0,
    'dân số|nhiệt độ|bao nhiêu tuổi|bao nhiêu độ|bao nhiêu người|bao nhiêu km|bao xa|lương bao nhiêu',
  ],
  ['neutral', 0, 'anh huy|chú huy|ông huy|bác huy|bạn huy'], // Huy, a name; "hủy" folds the same
];

/** Phrases that carry an entity. A longer phrase overrides the entities of the phrases inside it. */
export type EntityLine =
  | readonly ['service', Service, string]
  | readonly ['form', 1 | 2, string]
  | readonly ['lang', 'vi' | 'en', string];

export const ENTITY_PHRASES: readonly EntityLine[] = [
  ['service', 'lltp', 'lý lịch tư pháp|phiếu lý lịch|criminal record|police clearance|police certificate'],
  ['service', 'lltp', 'án tích|tiền án|tiền sự|phiếu số 1|phiếu số 2'],
  [
    'service',
    'health_record',
    'sổ sức khỏe|sức khỏe|khám bệnh|bệnh án|tiêm chủng|health record|medical record',
  ],
  ['service', 'health_record', 'health book|medical history|vaccination'],
  ['form', 1, 'phiếu số 1|lý lịch tư pháp số 1'],
  ['form', 2, 'phiếu số 2|lý lịch tư pháp số 2'],
  ['lang', 'en', 'tiếng anh|english|anh ngữ|không biết tiếng việt|không hiểu tiếng việt'],
  ['lang', 'en', 'don t speak vietnamese'],
  ['lang', 'vi', 'tiếng việt|vietnamese|việt ngữ'],
];

/**
 * How intents compete.
 * - `suppresses`: when this intent scores at least the minimum, the listed ones drop out ("phí làm LLTP bao nhiêu"
 *   asks about fees; the service stays as an entity).
 * - `social`: greeting and thanks give way to any other intent said in the same message.
 */
export const INTENT_RULES: Readonly<
  Partial<Record<Intent, { suppresses?: readonly Intent[]; social?: true }>>
> = {
  fees_info: { suppresses: ['criminal_record', 'health_record', 'link_identity', 'request_status'] },
  documents_info: { suppresses: ['criminal_record', 'health_record', 'link_identity', 'request_status'] },
  processing_time_info: { suppresses: ['criminal_record', 'health_record', 'link_identity'] },
  request_status: { suppresses: ['criminal_record', 'health_record'] },
  privacy_delete: { suppresses: ['cancel', 'link_identity', 'privacy_export'] },
  privacy_export: { suppresses: ['health_record', 'criminal_record'] },
  talk_to_staff: { suppresses: ['help'] },
  change_language: { suppresses: ['help'] },
  greeting: { social: true },
  thanks: { social: true },
};

/** Telegram-style commands; the argument of /lang may name the language. */
export const SLASH_COMMANDS: Readonly<Record<string, Intent>> = {
  start: 'greeting',
  help: 'help',
  menu: 'help',
  cancel: 'cancel',
  stop: 'cancel',
  lang: 'change_language',
  language: 'change_language',
  ngonngu: 'change_language',
  status: 'request_status',
  staff: 'talk_to_staff',
  human: 'talk_to_staff',
  link: 'link_identity',
  lltp: 'criminal_record',
  health: 'health_record',
  mydata: 'privacy_export',
  delete: 'privacy_delete',
  privacy: 'privacy_export',
};

/** Arguments of /lang naming a language. */
export const LANG_CODES: Readonly<Record<string, 'vi' | 'en'>> = {
  vi: 'vi',
  vn: 'vi',
  viet: 'vi',
  en: 'en',
  eng: 'en',
  anh: 'en',
};

/** Scoring thresholds: below them the answer is `unknown`. */
export const THRESHOLDS = {
  minScore: 2,
  minConfidence: 0.45,
  /** Frustration alone routes to a human, at most this sure. */
  frustrationConfidence: 0.55,
} as const;
