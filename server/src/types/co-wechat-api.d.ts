// The part of co-wechat-api 3.11 (CommonJS, untyped) that Fanbase calls, as its lib/*.js define it.
declare module 'co-wechat-api' {
  interface AccessToken {
    accessToken: string;
    expireTime: number;
  }
  interface TicketToken {
    ticket: string;
    expireTime: number;
  }
  interface NewsArticle {
    title: string;
    description?: string;
    url: string;
    picurl?: string;
  }
  type Json = Record<string, unknown>;

  class WechatAPI {
    constructor(
      appid: string,
      appsecret: string,
      getToken: () => Promise<AccessToken | null>,
      saveToken: (token: AccessToken | null) => Promise<void>,
      tokenFromCustom: boolean,
    );
    prefix: string;
    snsPrefix: string;
    mpPrefix: string;
    fileServerPrefix: string;
    customservicePrefix: string;
    setOpts(opts: { timeout?: number }): void;
    request(url: string, opts?: Json, retry?: number): Promise<Json>;
    registerTicketHandle(get: (type: string) => Promise<TicketToken | null>, save: (type: string, ticket: TicketToken) => Promise<void>): void;
    getTicket(type: string): Promise<TicketToken>;

    sendText(openid: string, text: string): Promise<Json>;
    sendImage(openid: string, mediaId: string): Promise<Json>;
    sendNews(openid: string, articles: NewsArticle[]): Promise<Json>;

    getUser(options: { openid: string; lang?: string }): Promise<Json>;
    batchGetUsers(openids: string[]): Promise<{ user_info_list: Json[] }>;
    getFollowers(nextOpenid?: string): Promise<{ total: number; count: number; data?: { openid: string[] }; next_openid: string }>;
    updateRemark(openid: string, remark: string): Promise<Json>;
    createTags(name: string): Promise<{ tag: { id: number; name: string } }>;
    getTags(): Promise<{ tags: { id: number; name: string; count: number }[] }>;
    updateTag(id: number, name: string): Promise<Json>;
    deleteTag(id: number): Promise<Json>;
    batchTagging(openids: string[], tagId: number): Promise<Json>;
    batchUnTagging(openids: string[], tagId: number): Promise<Json>;
    getIdList(openid: string): Promise<{ tagid_list: number[] }>;

    createTmpQRCode(sceneId: number | string, expire: number): Promise<{ ticket: string; expire_seconds?: number; url: string }>;
    createLimitQRCode(sceneId: number | string): Promise<{ ticket: string; url: string }>;

    createMenu(menu: Json): Promise<Json>;
    getMenu(): Promise<Json>;
    removeMenu(): Promise<Json>;
  }
  export = WechatAPI;
}
