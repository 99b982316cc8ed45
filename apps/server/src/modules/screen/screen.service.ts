import { Injectable, Logger } from '@nestjs/common';
import {
  capturedImageSchema, screenCaptureRequestSchema, screenInfoSchema, ScreenEvents, type CapturedImage, type ScreenCaptureOptions,
  type ScreenInfo,
} from '@borealis/protocol';
import { BadGatewayError, DomainError } from '../../common/errors';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { DevicesService } from '../devices/devices.service';
import { DesktopAgent } from './desktop-agent';
import { zodValidationError } from './zod-validation';

export const DEFAULT_CAPTURE_TIMEOUT_MS = 30_000;
/** The first request may have to start the agent's desktop worker process. */
export const DEFAULT_INFO_TIMEOUT_MS = 30_000;

/** One-shot screen requests: the displays of a device and a single capture. */
@Injectable()
export class ScreenService {
  private readonly logger = new Logger('Screen');

  constructor(
    private readonly devices: DevicesService,
    private readonly desktop: DesktopAgent,
    private readonly audit: AuditService,
  ) {}

  async info(deviceId: string, timeoutMs = DEFAULT_INFO_TIMEOUT_MS): Promise<ScreenInfo> {
    await this.devices.getActive(deviceId);
    const ack = await this.desktop.request(deviceId, 'screenshot', ScreenEvents.info, {}, timeoutMs);
    const parsed = screenInfoSchema.safeParse(ack);
    if (!parsed.success) {
      this.logger.warn({ deviceId, issues: parsed.error.issues.slice(0, 5) }, 'invalid screen.info ack');
      throw new BadGatewayError('invalid_agent_answer', 'the agent sent screen information that failed validation', { deviceId });
    }
    return parsed.data;
  }

  /** Parses the already class-validated body with the protocol schema (defaults: png, quality 80). */
  captureOptions(body: unknown): ScreenCaptureOptions {
    const parsed = screenCaptureRequestSchema.safeParse(body ?? {});
    if (!parsed.success) throw zodValidationError(parsed.error);
    return parsed.data;
  }

  /** Captures once; every attempt on an existing device is audited with its outcome, never the pixels. */
  async capture(by: Principal, deviceId: string, options: ScreenCaptureOptions, timeoutMs = DEFAULT_CAPTURE_TIMEOUT_MS): Promise<CapturedImage> {
    await this.devices.getActive(deviceId);
    const what = {
      display: options.display ?? null, region: options.region ?? null, format: options.format,
      ...(options.format === 'jpeg' ? { quality: options.quality } : {}),
    };
    let image: CapturedImage;
    try {
      const ack = await this.desktop.request(deviceId, 'screenshot', ScreenEvents.capture, options, timeoutMs);
      const parsed = capturedImageSchema.safeParse(ack);
      if (!parsed.success) {
        this.logger.warn({ deviceId, issues: parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })) }, 'invalid screen.capture ack');
        throw new BadGatewayError('invalid_agent_answer', 'the agent sent an image that failed validation', { deviceId });
      }
      image = parsed.data;
    } catch (error) {
      await this.audit.record({ type: 'token', principal: by }, {
        action: 'screen.capture', targetType: 'device', targetId: deviceId,
        details: { ...what, outcome: 'failed', error: error instanceof DomainError ? error.code : 'internal_error' },
      });
      throw error;
    }
    await this.audit.record({ type: 'token', principal: by }, {
      action: 'screen.capture', targetType: 'device', targetId: deviceId,
      details: { ...what, outcome: 'succeeded', bytes: image.data.byteLength, width: image.width, height: image.height, imageFormat: image.format },
    });
    return image;
  }
}
