import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The latest installed-software list of each device, one row per package, rewritten when a new
 * software snapshot is stored. It exists for `GET /api/devices?software=`: an indexed lookup
 * that works the same on both engines, instead of pattern-matching megabytes of JSON text.
 */
@Entity('device_software')
export class DeviceSoftwareEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  deviceId!: string;

  @PrimaryColumn({ type: 'integer' })
  position!: number;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  /** Lower-cased name: case-insensitive matching that can use an index on both engines. */
  @Index()
  @Column({ type: 'varchar', length: 255 })
  nameLower!: string;

  @Column({ type: 'varchar', length: 255 })
  version!: string;
}
