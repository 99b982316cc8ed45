import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../../config/config';
import { TokensService } from './tokens.service';

export const ADMIN_TOKEN_FILE = 'admin-token';

/** First start: creates the admin token and, when it was generated, writes it to a 0600 file. */
@Injectable()
export class AdminTokenBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly tokens: TokensService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const result = await this.tokens.ensureAdminToken(this.config.adminToken);
    if (result.generated) {
      const path = join(this.config.dataDir, ADMIN_TOKEN_FILE);
      writeFileSync(path, `${result.generated}\n`, { mode: 0o600 });
      this.logger.log({ path }, 'admin token created; read it from this file (mode 0600)');
    } else if (result.created) {
      this.logger.log('admin token created from BOREALIS_ADMIN_TOKEN');
    }
  }
}
